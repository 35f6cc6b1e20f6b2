import { EncodeError, EncodingDefinitionError } from './errors.js';
import { DYNAMIC, type Encoding, fixedSize } from './encoding.js';

export type LengthPrefix = 'uint30' | 'uint16' | 'uint8';

const prefixWidth = { uint30: 4, uint16: 2, uint8: 1 } as const;
const prefixMax = { uint30: 0x3fffffff, uint16: 0xffff, uint8: 0xff } as const;

/**
 * A byte-length prefix (uint30 by default) followed by `inner`, whose decoding must consume exactly
 * that many bytes (Data_encoding `dynamic_size`). A declared length larger than the bytes left fails
 * at once, before anything is allocated.
 */
export function dynamicSize<T>(inner: Encoding<T>, opts: { prefix?: LengthPrefix; title?: string } = {}): Encoding<T> {
  const prefix = opts.prefix ?? 'uint30';
  const width = prefixWidth[prefix];
  const max = prefixMax[prefix];
  return {
    sizeClass: DYNAMIC,
    title: opts.title ?? `dynamic_size(${inner.title})`,
    sizeOf: (v) => width + inner.sizeOf(v),
    write(w, v) {
      const at = w.reserve(width);
      const start = w.pos;
      inner.write(w, v);
      const size = w.pos - start;
      if (size > max)
        throw new EncodeError('SIZE_LIMIT_EXCEEDED', `${size} bytes do not fit a ${prefix} length prefix`);
      w.patchUint(at, width, size);
    },
    read(r) {
      const at = r.pos;
      let size: number;
      if (prefix === 'uint30') {
        size = r.int32();
        if (size < 0) r.fail('INVALID_INT', `negative length prefix ${size}`, at);
      } else size = prefix === 'uint16' ? r.uint16() : r.uint8();
      const savedEnd = r.enterRegion(size);
      const v = inner.read(r);
      r.leaveRegion(savedEnd, size);
      return v;
    },
  };
}

/** The encoded form of `inner` may not exceed `limit` bytes (Data_encoding `check_size`). */
export function checkSize<T>(limit: number, inner: Encoding<T>): Encoding<T> {
  if (!(Number.isInteger(limit) && limit >= 0)) throw new EncodingDefinitionError(`checkSize: bad limit ${limit}`);
  return {
    sizeClass: inner.sizeClass,
    title: inner.title,
    sizeOf(v) {
      const n = inner.sizeOf(v);
      if (n > limit)
        throw new EncodeError('SIZE_LIMIT_EXCEEDED', `${n} bytes exceed the ${limit}-byte limit of ${inner.title}`);
      return n;
    },
    write: (w, v) => w.limited(limit, () => inner.write(w, v)),
    read(r) {
      const saved = r.limit(limit);
      const v = inner.read(r);
      r.allowed = saved;
      return v;
    },
  };
}

/** Zero bytes on the wire; decodes to `value` (Data_encoding `constant`, `empty`, `unit`). */
export function constant<T>(value: T, title = 'constant'): Encoding<T> {
  return { sizeClass: fixedSize(0), title, sizeOf: () => 0, write: () => undefined, read: () => value };
}

export const empty: Encoding<undefined> = constant(undefined, 'empty');
