import { EncodeError } from './errors.js';

const textEncoder = new TextEncoder();

/**
 * A growable output buffer. Length prefixes are written as placeholders and patched once the
 * content is known, so every value is serialised in a single pass.
 */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;
  /** Absolute position that writes may not exceed (`check_size`). */
  allowed = Number.MAX_SAFE_INTEGER;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    const needed = this.pos + n;
    if (needed > this.allowed)
      throw new EncodeError('SIZE_LIMIT_EXCEEDED', `writing ${n} byte(s) exceeds the size limit`);
    if (needed <= this.buf.length) return;
    const next = new Uint8Array(Math.max(needed, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  uint8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  int8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
  }

  uint16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  int16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  utf8(s: string): void {
    const n = s.length;
    if (n <= 64) {
      this.ensure(n);
      const start = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        this.buf[start + i] = c;
      }
      if (i === n) {
        this.pos += n;
        return;
      }
    }
    this.bytes(textEncoder.encode(s));
  }

  latin1(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new EncodeError('INVALID_VALUE', `character U+${c.toString(16)} is not a byte`);
      this.buf[this.pos++] = c;
    }
  }

  /** Reserve `n` bytes to be patched later; returns their position. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  patchUint(at: number, width: 1 | 2 | 4, v: number): void {
    if (width === 1) this.view.setUint8(at, v);
    else if (width === 2) this.view.setUint16(at, v);
    else this.view.setUint32(at, v);
  }

  /** Run `f` with writes limited to `limit` more bytes. */
  limited(limit: number, f: () => void): void {
    const saved = this.allowed;
    this.allowed = Math.min(saved, this.pos + limit);
    try {
      f();
    } finally {
      this.allowed = saved;
    }
  }

  /** The bytes written so far (a view; the writer must not be reused afterwards). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
