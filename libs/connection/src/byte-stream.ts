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
      reject(ConnectionError.expected(closedCode(stream), 'cannot write: the connection is closed'));
      return;
    }
    stream.write(bytes, (err) =>
      err ? reject(new ConnectionError('SOCKET_ERROR', `write failed: ${err.message}`, { cause: err })) : resolve(),
    );
  });
}
