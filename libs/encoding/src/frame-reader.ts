import { DecodeError } from './errors.js';

export interface FrameReaderOptions {
  /**
   * Largest accepted value of the 4-byte size field. Default: 104857596, Octez's 100 MiB
   * `check_size` on P2p_message, which counts the 4-byte prefix too.
   */
  maxFrameSize?: number;
}

export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024 - 4;

/**
 * Reassembles `[uint30 size][size bytes]` frames from chunks cut at arbitrary boundaries.
 *
 * Chunks are queued without copying; a frame is materialised only once all of its bytes have
 * arrived, with each byte copied at most once (or not at all when a frame lies inside one chunk).
 * Memory held is therefore what the peer actually sent, and the work is linear in the input.
 * A size beyond `maxFrameSize` or a negative size is reported as soon as the 4 bytes are in.
 */
export class FrameReader {
  private readonly chunks: Uint8Array[] = [];
  private head = 0; // read offset into chunks[0]
  private total = 0; // unread bytes over all chunks
  private consumed = 0; // bytes handed out as frames so far (for error offsets)
  private readonly maxFrameSize: number;

  constructor(opts: FrameReaderOptions = {}) {
    this.maxFrameSize = opts.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /**
   * The next complete frame (size prefix included), or `undefined` until more bytes arrive.
   * Throws `DecodeError` (INVALID_INT, SIZE_LIMIT_EXCEEDED) on an impossible size; the reader is
   * then unusable, as the stream has lost its framing.
   */
  next(): Uint8Array | undefined {
    if (this.total < 4) return undefined;
    const size = this.peekInt32();
    if (size < 0) throw new DecodeError('INVALID_INT', this.consumed, `negative frame size ${size}`);
    if (size > this.maxFrameSize) {
      throw new DecodeError(
        'SIZE_LIMIT_EXCEEDED',
        this.consumed,
        `frame of ${size} bytes exceeds the ${this.maxFrameSize}-byte limit`,
      );
    }
    const frameLength = 4 + size;
    if (this.total < frameLength) return undefined;
    this.consumed += frameLength;
    return this.take(frameLength);
  }

  private peekInt32(): number {
    let v = 0;
    let chunkIndex = 0;
    let offset = this.head;
    for (let i = 0; i < 4; i++) {
      let c = this.chunks[chunkIndex]!;
      while (offset >= c.length) {
        chunkIndex++;
        offset = 0;
        c = this.chunks[chunkIndex]!;
      }
      v = (v << 8) | c[offset++]!;
    }
    return v | 0;
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    this.total -= n;
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length - this.head, n - filled);
      out.set(c.subarray(this.head, this.head + take), filled);
      filled += take;
      this.head += take;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }
}
