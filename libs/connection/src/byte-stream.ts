import type { Duplex } from 'node:stream';
import { ConnectionError } from './errors.js';

/**
 * What the connection layer needs from a transport: a Node duplex stream (a `net.Socket` or an
 * in-memory pair), read in paused mode so that the caller decides when bytes are pulled.
 */
export type ByteStream = Duplex & {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
};

/**
 * Buffered, abortable exact reads over a paused stream, for the handshake. Whatever was read past the
 * handshake is handed over with `takeBuffered()`, so bytes the peer sends right after its Ack are not
 * lost.
 */
export class StreamInput {
  private readonly buffered: Buffer[] = [];
  private bufferedLength = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onReadable = () => this.signal();
  private readonly onEnd = () => {
    this.ended = true;
    this.signal();
  };
  private readonly onError = (e: Error) => {
    this.failure = e;
    this.signal();
  };

  constructor(private readonly stream: ByteStream) {
    stream.on('readable', this.onReadable);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private pull(): void {
    for (let b = this.stream.read() as Buffer | null; b !== null; b = this.stream.read() as Buffer | null) {
      this.buffered.push(b);
      this.bufferedLength += b.length;
    }
  }

  /** Exactly `n` bytes, or a ConnectionError (closed, socket error, or the signal's reason). */
  async readExactly(n: number, signal: AbortSignal): Promise<Uint8Array> {
    for (;;) {
      this.pull();
      if (this.bufferedLength >= n) return this.take(n);
      if (signal.aborted)
        throw signal.reason instanceof Error ? signal.reason : new ConnectionError('CANCELED', 'cancelled');
      if (this.failure)
        throw new ConnectionError('SOCKET_ERROR', `socket error: ${this.failure.message}`, { cause: this.failure });
      if (this.ended || this.stream.destroyed)
        throw new ConnectionError(
          closedCode(this.stream),
          `connection closed after ${this.bufferedLength} of ${n} expected bytes`,
        );
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  private take(n: number): Uint8Array {
    this.bufferedLength -= n;
    return takeFront(this.buffered, n);
  }

  /** Stop listening and return the bytes read but not consumed. */
  detach(): Buffer[] {
    this.pull();
    this.stream.off('readable', this.onReadable);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    const rest = this.buffered.splice(0);
    this.bufferedLength = 0;
    return rest;
  }
}

/**
 * Why a stream can no longer be used, as `P2p_fd` tells it: CONNECTION_CLOSED once the peer's end of
 * stream has been read (or the socket failed), CONNECTION_CLOSED_LOCALLY when we closed it first
 * (destroyed or ended it ourselves without having seen the peer's end).
 */
export function closedCode(stream: ByteStream): 'CONNECTION_CLOSED' | 'CONNECTION_CLOSED_LOCALLY' {
  return stream.readableEnded || stream.errored !== null ? 'CONNECTION_CLOSED' : 'CONNECTION_CLOSED_LOCALLY';
}

/** Write and resolve once the bytes are handed to the kernel (or fail with the socket's error). */
export function writeAll(stream: ByteStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new ConnectionError(closedCode(stream), 'cannot write: the connection is closed'));
      return;
    }
    stream.write(bytes, (err) =>
      err ? reject(new ConnectionError('SOCKET_ERROR', `write failed: ${err.message}`, { cause: err })) : resolve(),
    );
  });
}

/**
 * The first `n` bytes of `chunks` (which must hold at least `n`) as one new array, removing them from
 * `chunks`: whole chunks are shifted out, a partly used one is replaced by its rest.
 */
export function takeFront(chunks: Buffer[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const head = chunks[0]!;
    const k = Math.min(head.length, n - filled);
    out.set(head.subarray(0, k), filled);
    filled += k;
    if (k === head.length) chunks.shift();
    else chunks[0] = head.subarray(k);
  }
  return out;
}
