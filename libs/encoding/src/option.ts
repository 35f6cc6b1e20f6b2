import { type Encoding, DYNAMIC, fixedSize } from './encoding.js';
import { EncodingDefinitionError } from './errors.js';

/** A one-byte tag, 0x00 for `undefined`, 0x01 followed by the value (Data_encoding `option`). */
export function option<T>(inner: Encoding<T>): Encoding<T | undefined> {
  if (inner.sizeClass.kind === 'variable') throw new EncodingDefinitionError('option of a variable-size encoding');
  const sizeClass = inner.sizeClass.kind === 'fixed' && inner.sizeClass.size === 0 ? fixedSize(1) : DYNAMIC;
  return {
    sizeClass,
    title: `option(${inner.title})`,
    sizeOf: (v) => (v === undefined ? 1 : 1 + inner.sizeOf(v)),
    write(w, v) {
      if (v === undefined) w.uint8(0);
      else {
        w.uint8(1);
        inner.write(w, v);
      }
    },
    read(r) {
      const at = r.pos;
      const tag = r.uint8();
      if (tag === 0) return undefined;
      if (tag !== 1) return r.fail('UNEXPECTED_TAG', `option tag ${tag}`, at);
      return inner.read(r);
    },
  };
}
