/**
 * Message buffers for consumers that borrow messages (`Connection.onMessage(…, { lend: true })`): a
 * buffer comes back once the consumer's handler returns and serves a later message, so a connection
 * that lends allocates no buffer per message. A fresh buffer per message is what a consumer that keeps
 * its messages needs, and at a gigabyte a second V8 answers that external memory with a mark-compact
 * every few dozen milliseconds (docs/PERFORMANCE.md).
 *
 * Buffers come in power-of-two sizes from 256 bytes; a message gets a view of its own length on one.
 * Idle buffers are kept per size, up to `maxIdleBytes` in all; what does not fit is left to the garbage
 * collector, so the pool never holds more than that between messages.
 */
export class MessageBufferPool {
  /** Idle buffers by size (a power of two). */
  private readonly idle = new Map<number, ArrayBuffer[]>();
  private idleBytes = 0;

  constructor(readonly maxIdleBytes: number) {}

  /** Bytes held idle now. */
  get held(): number {
    return this.idleBytes;
  }

  /** A view of `n` bytes (uninitialised) on a pooled buffer; give it back with `give`. */
  take(n: number): Uint8Array {
    const size = sizeClass(n);
    const ab = this.idle.get(size)?.pop();
    if (ab !== undefined) {
      this.idleBytes -= size;
      return new Uint8Array(ab, 0, n);
    }
    // Uninitialised (every byte of a message buffer is written before it is read); its own ArrayBuffer,
    // never a slab shared with other allocations, since the whole of it comes back.
    return new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, n);
  }

  /** `b` was taken from this pool and nothing refers to it any more. */
  give(b: Uint8Array): void {
    const ab = b.buffer as ArrayBuffer;
    const size = ab.byteLength;
    if (this.idleBytes + size > this.maxIdleBytes) return;
    let list = this.idle.get(size);
    if (list === undefined) this.idle.set(size, (list = []));
    list.push(ab);
    this.idleBytes += size;
  }
}

const MIN_SIZE = 256;

function sizeClass(n: number): number {
  if (n <= MIN_SIZE) return MIN_SIZE;
  return 2 ** Math.ceil(Math.log2(n));
}

/**
 * Idle message buffers kept per thread for lending connections (16 MiB): several 1 MiB messages in
 * flight on as many connections, and nothing larger than 16 MiB is ever kept idle.
 */
export const LENT_MESSAGE_POOL_SIZE = 16 << 20;

/** Shared by every connection of the thread, as the read buffer is. */
export const lentMessagePool = new MessageBufferPool(LENT_MESSAGE_POOL_SIZE);
