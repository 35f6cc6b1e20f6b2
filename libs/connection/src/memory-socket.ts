import { Duplex } from 'node:stream';
import type { ByteStream } from './byte-stream.js';

class MemoryEnd extends Duplex {
  peer!: MemoryEnd;
  private pendingCallback: (() => void) | undefined;
  remoteAddress: string;
  remotePort: number;

  constructor(remoteAddress: string, remotePort: number) {
    super({ allowHalfOpen: false });
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.peer.destroyed) {
      cb(new Error('peer closed'));
      return;
    }
    // Honour the peer's buffer limit: hold the callback until it reads.
    if (this.peer.push(Buffer.from(chunk))) cb();
    else this.peer.pendingCallback = () => cb();
  }

  override _read(): void {
    const cb = this.pendingCallback;
    this.pendingCallback = undefined;
    cb?.();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.peer.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.push(null);
    cb(err);
  }
}

/**
 * Two connected in-memory streams with TCP-like semantics (ordering, back-pressure, end of stream),
 * for tests and for embedding two endpoints in one process without sockets.
 */
export function createMemorySocketPair(
  a: { address?: string; port?: number } = {},
  b: { address?: string; port?: number } = {},
): [ByteStream, ByteStream] {
  const left = new MemoryEnd(b.address ?? '127.0.0.1', b.port ?? 49152);
  const right = new MemoryEnd(a.address ?? '127.0.0.1', a.port ?? 49153);
  left.peer = right;
  right.peer = left;
  return [left, right];
}
