import { DecodeError } from './errors.js';

// ignoreBOM: a leading U+FEFF is content (Data_encoding keeps every byte), not a marker to drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder('latin1');

/**
 * A bounds-checked cursor over a byte buffer.
 *
 * Two bounds are tracked, as Data_encoding does: `end`, the end of the region being decoded (set by
 * length prefixes), and `allowed`, the limit imposed by `check_size`. Reading past `end` is
 * NOT_ENOUGH_DATA; past `allowed`, SIZE_LIMIT_EXCEEDED. No read ever touches bytes outside the region.
 */
export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  /**
   * No limit is the whole buffer rather than `Number.MAX_SAFE_INTEGER`: reads past it fail on `end`
   * first either way, and a small integer field is not a boxed double allocated with every Reader.
   */
  allowed: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    // Integers are read byte by byte rather than through a DataView: a Reader is made per message, and
    // building the view (and turning the buffer external) cost more than the few reads it served.
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.allowed = Math.max(end, bytes.length);
  }

  /** Bytes left in the current region. */
  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: DecodeError['code'], detail: string, offset = this.pos): never {
    throw new DecodeError(code, offset, detail);
  }

  /** Check that `n` more bytes may be read, in Data_encoding's order: data first, then limit. */
  need(n: number): void {
    if (this.pos + n > this.end) this.fail('NOT_ENOUGH_DATA', `need ${n} byte(s), ${this.end - this.pos} left`);
    if (this.pos + n > this.allowed) this.fail('SIZE_LIMIT_EXCEEDED', `need ${n} byte(s) beyond the size limit`);
  }

  uint8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  int8(): number {
    this.need(1);
    return (this.bytes[this.pos++]! << 24) >> 24;
  }

  uint16(): number {
    this.need(2);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  int16(): number {
    return (this.uint16() << 16) >> 16;
  }

  int32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  int64(): bigint {
    const hi = this.int32();
    const lo = this.int32() >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A view (no copy) of the next `n` bytes. */
  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(n: number): string {
    const at = this.pos;
    const b = this.take(n);
    // Short ASCII strings (points, chain names) are far cheaper to build directly than via TextDecoder.
    if (n <= 64) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (b[i]! > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode(...b);
    }
    try {
      return utf8.decode(b);
    } catch {
      return this.fail('INVALID_UTF8', 'string is not valid UTF-8', at);
    }
  }

  latin1(n: number): string {
    return latin1.decode(this.take(n));
  }

  /**
   * Run `f` inside a sub-region of exactly `size` bytes starting here; the region must be fully
   * consumed. Fails at once (before any allocation) when `size` exceeds what is left.
   */
  region<T>(size: number, f: () => T): T {
    const savedEnd = this.enterRegion(size);
    const v = f();
    this.leaveRegion(savedEnd, size);
    return v;
  }

  /**
   * `region` without a closure, for decoders run per message: enter a sub-region of `size` bytes and
   * get the end to hand back to `leaveRegion` once its contents are read.
   */
  enterRegion(size: number): number {
    this.need(size);
    const savedEnd = this.end;
    this.end = this.pos + size;
    return savedEnd;
  }

  /** Leave the region `enterRegion` entered, which must be fully consumed. */
  leaveRegion(savedEnd: number, size: number): void {
    if (this.pos !== this.end)
      this.fail('EXTRA_BYTES', `${this.end - this.pos} unread byte(s) in a ${size}-byte region`);
    this.end = savedEnd;
  }

  /** Run `f` with reads limited to `limit` more bytes (Data_encoding `check_size`). */
  limited<T>(limit: number, f: () => T): T {
    const saved = this.limit(limit);
    const v = f();
    this.allowed = saved;
    return v;
  }

  /** `limited` without a closure: limit reads to `limit` more bytes; returns the limit to put back in `allowed`. */
  limit(limit: number): number {
    const saved = this.allowed;
    this.allowed = Math.min(saved, this.pos + limit);
    return saved;
  }
}
