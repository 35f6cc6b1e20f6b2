/**
 * Reusable output buffers for the write path. A buffer is handed to the socket and returned to the
 * pool only from the socket's write callback, i.e. once the kernel has the bytes. Reusing them keeps
 * large short-lived allocations (and the full garbage collections their external memory triggers)
 * off the hot path. The pool holds at most `maxPooled` idle buffers.
 */
export class BufferPool {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly bufferSize: number,
    private readonly maxPooled: number,
  ) {}

  /** A buffer of at least `size` bytes (uninitialised); larger and small requests get a one-off buffer. */
  take(size: number): Buffer {
    if (size > this.bufferSize) return Buffer.allocUnsafeSlow(size);
    // A small request gets a buffer of its own size: handing out a whole pooled buffer for a 1 KiB
    // write means, when 1,000 connections each write one (a broadcast), 1,000 × 128 KiB mmap-sized
    // allocations a round — only 32 come back to the pool — and collections driven by their external
    // memory. Below 4 KiB, Buffer.allocUnsafe carves it from Node's shared slab.
    if (size <= this.bufferSize >>> 3) return Buffer.allocUnsafe(size);
    return this.idle.pop() ?? Buffer.allocUnsafeSlow(this.bufferSize);
  }

  give(b: Buffer): void {
    if (b.length === this.bufferSize && this.idle.length < this.maxPooled) this.idle.push(b);
  }
}

/** Shared by every connection of the process: 32 × 128 KiB at most held idle. */
export const writeBufferPool = new BufferPool(128 * 1024, 32);

/** Chunk-sized buffers for reads (a chunk spanning socket reads, a decrypted chunk being fed): 32 idle at most. */
export const chunkBufferPool = new BufferPool(2 + 0xffff, 32);
