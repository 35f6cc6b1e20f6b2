import { decodeErrorAt, encodeErrorAt } from './errors.js';
import type { Encoding } from './encoding.js';
import { checkOnlyLastVariable, sequenceSizeClass } from './obj.js';

type TupleValue<E extends readonly Encoding<unknown>[]> = {
  -readonly [K in keyof E]: E[K] extends Encoding<infer T> ? T : never;
};

/** Elements in order with no separators (Data_encoding `tupN`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function tuple<const E extends readonly Encoding<any>[]>(...elements: E): Encoding<TupleValue<E>> {
  const classes = elements.map((e) => e.sizeClass);
  checkOnlyLastVariable(
    elements.map((_, i) => String(i)),
    classes,
    'tuple',
  );
  return {
    sizeClass: sequenceSizeClass(classes),
    title: `tuple(${elements.map((e) => e.title).join(', ')})`,
    sizeOf(v) {
      let n = 0;
      elements.forEach((e, i) => {
        try {
          n += e.sizeOf((v as unknown[])[i]);
        } catch (err) {
          throw encodeErrorAt(err, i);
        }
      });
      return n;
    },
    write(w, v) {
      elements.forEach((e, i) => {
        try {
          e.write(w, (v as unknown[])[i]);
        } catch (err) {
          throw encodeErrorAt(err, i);
        }
      });
    },
    read(r) {
      const out: unknown[] = [];
      for (let i = 0; i < elements.length; i++) {
        const at = r.pos;
        try {
          out.push(elements[i]!.read(r));
        } catch (err) {
          throw decodeErrorAt(err, i, at);
        }
      }
      return out as TupleValue<E>;
    },
  };
}
