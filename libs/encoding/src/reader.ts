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
  private readonly view: DataView;
  pos: number;
  end: number;
  allowed: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.allowed = Number.MAX_SAFE_INTEGER;
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
    return this.view.getInt8(this.pos++);
  }

  uint16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  int16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
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
    this.need(size);
    const savedEnd = this.end;
    const regionEnd = this.pos + size;
    this.end = regionEnd;
    const v = f();
    if (this.pos !== regionEnd)
      this.fail('EXTRA_BYTES', `${regionEnd - this.pos} unread byte(s) in a ${size}-byte region`);
    this.end = savedEnd;
    return v;
  }

  /** Run `f` with reads limited to `limit` more bytes (Data_encoding `check_size`). */
  limited<T>(limit: number, f: () => T): T {
    const saved = this.allowed;
    this.allowed = Math.min(saved, this.pos + limit);
    const v = f();
    this.allowed = saved;
    return v;
  }
}
