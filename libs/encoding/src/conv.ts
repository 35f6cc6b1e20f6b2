import { EncodeError, describe } from './errors.js';
import type { Encoding } from './encoding.js';

/**
 * Store a `T` as a `U`. `fromWire` may throw to reject a decoded value: the failure becomes an
 * INVALID_VALUE decode error at the offset where the value started (Octez turns such exceptions into
 * a decoding error of the whole message).
 */
export function conv<T, U>(
  inner: Encoding<U>,
  toWire: (v: T) => U,
  fromWire: (u: U) => T,
  title = inner.title,
): Encoding<T> {
  const project = (v: T): U => {
    try {
      return toWire(v);
    } catch (e) {
      throw e instanceof EncodeError ? e : new EncodeError('INVALID_VALUE', `${title}: ${describe(e)}`);
    }
  };
  return {
    sizeClass: inner.sizeClass,
    title,
    sizeOf: (v) => inner.sizeOf(project(v)),
    write: (w, v) => inner.write(w, project(v)),
    read(r) {
      const at = r.pos;
      const u = inner.read(r);
      try {
        return fromWire(u);
      } catch (e) {
        return r.fail('INVALID_VALUE', `${title}: ${describe(e)}`, at);
      }
    },
  };
}
