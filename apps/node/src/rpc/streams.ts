import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-lines.js';
import { RpcError } from './rpc-error.js';

/**
 * Default cap on streams open at once (`/network/log`, `…/log?monitor`). Each holds a bounded event
 * consumer (up to `LOG_STREAM_CAPACITY` events) and a socket; the cap bounds what clients can pin.
 */
export const MAX_RPC_STREAMS = 64;

/** Silence after which the kernel starts probing a stream's client (TCP keep-alive). */
const STREAM_KEEPALIVE_MS = 60_000;

/** What a streamed answer sends: lines produced on demand, and how to release what feeds them. */
export interface LineSource {
  /** Pulled only as fast as the client reads, so nothing piles up on our side. */
  readonly lines: AsyncIterable<string>;
  /** Called once when the answer ends for any reason (client gone, source done, failure, server closing). */
  close(): void;
}

/** Cuts the answer at once, e.g. when its source can no longer be complete. */
export type Abort = (reason: Error) => void;

/**
 * Streamed answers (`Tezos_rpc.Answer.return_stream`): chunked JSON lines, headers sent at once so the
 * client knows it is subscribed before the first element. The registry can cut them all when the
 * server closes, since an open stream would otherwise keep the server from closing.
 */
export class StreamRegistry {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly max: number = MAX_RPC_STREAMS,
  ) {}

  /** Throws `TOO_MANY_STREAMS` (answered 503) when `max` streams are open; nothing is started then. */
  send(reply: FastifyReply, start: (abort: Abort) => LineSource): void {
    if (this.open.size >= this.max) throw RpcError.tooManyStreams(this.max);
    const res = reply.raw;
    const url = reply.request.url;
    // Called from event subscribers, where a throw would be rethrown asynchronously: never throws.
    const abort: Abort = (reason) => {
      if (res.destroyed) return;
      try {
        this.log.warn({ url, reason: reason.message }, 'RPC stream cut');
      } finally {
        res.destroy();
      }
    };
    const source = start(abort);
    // Fastify would hold the headers until the first chunk; the stream is driven by hand instead.
    reply.hijack();
    if (res.socket === null || res.socket.destroyed) {
      // The client left before we answered: its 'close' has already been emitted.
      source.close();
      return;
    }
    this.open.add(res);
    // A stream may stay silent for as long as nothing happens: the idle timeout would cut it. What it
    // holds is bounded otherwise: `max` streams, each with a bounded consumer. TCP keep-alive (as
    // resto sets on every RPC socket) lets the kernel find a client that vanished without a word.
    res.socket.setTimeout(0);
    res.socket.setKeepAlive(true, STREAM_KEEPALIVE_MS);
    this.log.debug({ url }, 'RPC stream opened');
    res.once('close', () => {
      this.open.delete(res);
      source.close();
      this.log.debug({ url }, 'RPC stream closed');
    });
    res.writeHead(200, { 'content-type': JSON_CONTENT_TYPE });
    res.flushHeaders();
    pipeline(Readable.from(source.lines), res, (err) => {
      if (err && err.name !== 'AbortError' && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.log.warn({ url, reason: err.message }, 'RPC stream failed');
      }
    });
  }

  /** Cut every open stream (server shutdown). */
  closeAll(): void {
    for (const res of [...this.open]) res.destroy();
  }
}
