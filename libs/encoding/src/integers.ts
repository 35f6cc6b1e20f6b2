import { EncodeError } from './errors.js';
import { type Encoding, fixedSize } from './encoding.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

function checkInt(v: number, min: number, max: number, title: string): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EncodeError('INT_OUT_OF_RANGE', `${title}: ${v} is not an integer in [${min}, ${max}]`);
  }
}

function intEncoding(
  title: string,
  size: number,
  min: number,
  max: number,
  write: (w: Writer, v: number) => void,
  read: (r: Reader) => number,
): Encoding<number> {
  return {
    sizeClass: fixedSize(size),
    title,
    sizeOf: () => size,
    write(w, v) {
      checkInt(v, min, max, title);
      write(w, v);
    },
    read,
  };
}

export const uint8 = intEncoding(
  'uint8',
  1,
  0,
  0xff,
  (w, v) => w.uint8(v),
  (r) => r.uint8(),
);
export const int8 = intEncoding(
  'int8',
  1,
  -0x80,
  0x7f,
  (w, v) => w.int8(v),
  (r) => r.int8(),
);
/** Big-endian, as every Data_encoding integer. */
export const uint16 = intEncoding(
  'uint16',
  2,
  0,
  0xffff,
  (w, v) => w.uint16(v),
  (r) => r.uint16(),
);
export const int16 = intEncoding(
  'int16',
  2,
  -0x8000,
  0x7fff,
  (w, v) => w.int16(v),
  (r) => r.int16(),
);
export const int32 = intEncoding(
  'int32',
  4,
  -0x80000000,
  0x7fffffff,
  (w, v) => w.int32(v),
  (r) => r.int32(),
);

/** 31-bit signed integer written as an int32; the reader rejects values outside [-2^30, 2^30-1]. */
export const int31 = intEncoding(
  'int31',
  4,
  -0x40000000,
  0x3fffffff,
  (w, v) => w.int32(v),
  (r) => {
    const at = r.pos;
    const v = r.int32();
    if (v < -0x40000000 || v > 0x3fffffff) r.fail('INVALID_INT', `int31 out of range: ${v}`, at);
    return v;
  },
);

/**
 * Unsigned 30-bit integer, Data_encoding's length-prefix type. The writer enforces [0, 2^30-1];
 * the reader, like Octez's, rejects only negative int32 values.
 */
export const uint30 = intEncoding(
  'uint30',
  4,
  0,
  0x3fffffff,
  (w, v) => w.int32(v),
  (r) => {
    const at = r.pos;
    const v = r.int32();
    if (v < 0) r.fail('INVALID_INT', `uint30 is negative: ${v}`, at);
    return v;
  },
);

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export const int64: Encoding<bigint> = {
  sizeClass: fixedSize(8),
  title: 'int64',
  sizeOf: () => 8,
  write(w, v) {
    if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX)
      throw new EncodeError('INT_OUT_OF_RANGE', `int64: ${v} out of range`);
    w.int64(v);
  },
  read: (r) => r.int64(),
};

/**
 * Integer in [min, max] stored in the smallest Data_encoding integer that fits the range, shifted
 * by `min` when `min > 0` (Data_encoding `ranged_int`).
 */
export function rangedInt(min: number, max: number): Encoding<number> {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) throw new RangeError('rangedInt: bad bounds');
  const shift = min > 0 ? min : 0;
  const lo = min - shift;
  const hi = max - shift;
  let base: Encoding<number>;
  if (lo >= 0) base = hi <= 0xff ? uint8 : hi <= 0xffff ? uint16 : uint30;
  else base = lo >= -0x80 && hi <= 0x7f ? int8 : lo >= -0x8000 && hi <= 0x7fff ? int16 : int31;
  const size = (base.sizeClass as { size: number }).size;
  return {
    sizeClass: fixedSize(size),
    title: `ranged_int[${min}, ${max}]`,
    sizeOf: () => size,
    write(w, v) {
      checkInt(v, min, max, 'ranged_int');
      base.write(w, v - shift);
    },
    read(r) {
      const at = r.pos;
      const v = base.read(r) + shift;
      if (v < min || v > max) r.fail('INVALID_INT', `ranged_int ${v} outside [${min}, ${max}]`, at);
      return v;
    },
  };
}
