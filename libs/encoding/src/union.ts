import { EncodeError, EncodingDefinitionError, decodeErrorAt, encodeErrorAt } from './errors.js';
import { DYNAMIC, type Encoding, VARIABLE, fixedSize } from './encoding.js';

/** One case of a tagged union: how to recognise a value, and how to map it to and from its payload. */
export interface UnionCase<T, P> {
  readonly tag: number;
  readonly title: string;
  readonly encoding: Encoding<P>;
  /** Does this case encode `v`? Cases are tried in order. */
  match(v: T): boolean;
  proj(v: T): P;
  inj(p: P): T;
}

export function unionCase<T, P>(c: UnionCase<T, P>): UnionCase<T, P> {
  return c;
}

export type TagSize = 'uint8' | 'uint16';

/**
 * A tag (uint8 or big-endian uint16) followed by the payload of the matching case, with no extra
 * framing (Data_encoding `union`). Unknown tags are UNEXPECTED_TAG.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function union<T>(tagSize: TagSize, cases: readonly UnionCase<T, any>[], title = 'union'): Encoding<T> {
  const tagWidth = tagSize === 'uint8' ? 1 : 2;
  const maxTag = tagSize === 'uint8' ? 0xff : 0xffff;
  const byTag = new Map<number, UnionCase<T, unknown>>();
  for (const c of cases) {
    if (!Number.isInteger(c.tag) || c.tag < 0 || c.tag > maxTag)
      throw new EncodingDefinitionError(`${title}: tag ${c.tag} does not fit ${tagSize}`);
    if (byTag.has(c.tag)) throw new EncodingDefinitionError(`${title}: duplicate tag ${c.tag}`);
    byTag.set(c.tag, c);
  }
  // A dense table makes decoding one array load for the common small tag ranges.
  const table: (UnionCase<T, unknown> | undefined)[] = [];
  for (const [tag, c] of byTag) table[tag] = c;

  const kinds = cases.map((c) => c.encoding.sizeClass);
  const sizeClass = kinds.some((k) => k.kind === 'variable')
    ? VARIABLE
    : kinds.length > 0 && kinds.every((k) => k.kind === 'fixed' && k.size === (kinds[0] as { size: number }).size)
      ? fixedSize(tagWidth + (kinds[0] as { size: number }).size)
      : DYNAMIC;

  const find = (v: T): UnionCase<T, unknown> => {
    for (const c of cases) if (c.match(v)) return c;
    throw new EncodeError('NO_CASE_MATCHED', `${title}: no case matches the value`);
  };

  return {
    sizeClass,
    title,
    sizeOf(v) {
      const c = find(v);
      try {
        return tagWidth + c.encoding.sizeOf(c.proj(v));
      } catch (e) {
        throw encodeErrorAt(e, c.title);
      }
    },
    write(w, v) {
      const c = find(v);
      if (tagWidth === 1) w.uint8(c.tag);
      else w.uint16(c.tag);
      try {
        c.encoding.write(w, c.proj(v));
      } catch (e) {
        throw encodeErrorAt(e, c.title);
      }
    },
    read(r) {
      const at = r.pos;
      const tag = tagWidth === 1 ? r.uint8() : r.uint16();
      const c = table[tag];
      if (c === undefined)
        return r.fail('UNEXPECTED_TAG', `${title}: tag 0x${tag.toString(16).padStart(tagWidth * 2, '0')}`, at);
      const payloadAt = r.pos;
      let p: unknown;
      try {
        p = c.encoding.read(r);
      } catch (e) {
        throw decodeErrorAt(e, c.title, payloadAt);
      }
      try {
        return c.inj(p);
      } catch (e) {
        throw decodeErrorAt(e, c.title, payloadAt);
      }
    },
  };
}
