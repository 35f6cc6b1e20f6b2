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

  /** A buffer of at least `size` bytes (uninitialised); larger requests get a one-off buffer. */
  take(size: number): Buffer {
    if (size > this.bufferSize) return Buffer.allocUnsafeSlow(size);
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
