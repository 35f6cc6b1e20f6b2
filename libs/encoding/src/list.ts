import { EncodeError, EncodingDefinitionError, decodeErrorAt, encodeErrorAt } from './errors.js';
import { DYNAMIC, type Encoding, VARIABLE } from './encoding.js';
import { checkSize, dynamicSize } from './dynamic-size.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export interface ListOptions {
  /** Maximum number of elements; more is LIST_TOO_LONG on both sides. */
  maxLength?: number;
}

function checkElement(e: Encoding<unknown>, what: string): void {
  if (e.sizeClass.kind === 'variable') throw new EncodingDefinitionError(`${what}: elements may not be variable-size`);
  // An element that consumes no bytes would make a variable list loop forever on any input.
  if (e.sizeClass.kind === 'fixed' && e.sizeClass.size === 0)
    throw new EncodingDefinitionError(`${what}: elements may not be zero-size`);
}

function checkLength(n: number, max: number | undefined): void {
  if (max !== undefined && n > max) throw new EncodeError('LIST_TOO_LONG', `${n} elements, at most ${max} allowed`);
}

function writeElements<T>(w: Writer, elt: Encoding<T>, vs: readonly T[]): void {
  for (let i = 0; i < vs.length; i++) {
    try {
      elt.write(w, vs[i]!);
    } catch (e) {
      throw encodeErrorAt(e, i);
    }
  }
}

function sizeOfElements<T>(elt: Encoding<T>, vs: readonly T[]): number {
  if (elt.sizeClass.kind === 'fixed') return elt.sizeClass.size * vs.length;
  let n = 0;
  for (let i = 0; i < vs.length; i++) {
    try {
      n += elt.sizeOf(vs[i]!);
    } catch (e) {
      throw encodeErrorAt(e, i);
    }
  }
  return n;
}

function readElement<T>(r: Reader, elt: Encoding<T>, i: number): T {
  const at = r.pos;
  try {
    return elt.read(r);
  } catch (e) {
    throw decodeErrorAt(e, i, at);
  }
}

/**
 * Elements concatenated with no count and no prefix, read until the enclosing region ends
 * (Data_encoding `Variable.list`). Must be last or inside a length prefix.
 */
export function variableList<T>(elt: Encoding<T>, opts: ListOptions = {}): Encoding<T[]> {
  checkElement(elt, 'variableList');
  const max = opts.maxLength;
  const raw: Encoding<T[]> = {
    sizeClass: VARIABLE,
    title: `list(${elt.title})`,
    sizeOf(vs) {
      checkLength(vs.length, max);
      return sizeOfElements(elt, vs);
    },
    write(w, vs) {
      checkLength(vs.length, max);
      writeElements(w, elt, vs);
    },
    read(r) {
      const out: T[] = [];
      while (r.pos < r.end) {
        if (max !== undefined && out.length >= max) r.fail('LIST_TOO_LONG', `more than ${max} elements`);
        out.push(readElement(r, elt, out.length));
      }
      return out;
    },
  };
  // As Data_encoding does, a bounded list of fixed-size elements is also size-checked.
  if (max !== undefined && elt.sizeClass.kind === 'fixed') return checkSize(elt.sizeClass.size * max, raw);
  return raw;
}

/** uint30 byte length of the whole list body, then the elements (Data_encoding `list`). */
export function list<T>(elt: Encoding<T>, opts: ListOptions = {}): Encoding<T[]> {
  const inner = variableList(elt, opts);
  return { ...dynamicSize(inner), title: inner.title };
}

/**
 * An element-count prefix, then the elements (Data_encoding `list_with_length`). The count is checked
 * against `maxLength` before any element is read.
 */
export function listWithCount<T>(
  elt: Encoding<T>,
  opts: ListOptions & { countPrefix?: 'uint30' | 'uint16' | 'uint8' } = {},
): Encoding<T[]> {
  checkElement(elt, 'listWithCount');
  const max = opts.maxLength;
  const prefix = opts.countPrefix ?? 'uint30';
  const width = prefix === 'uint30' ? 4 : prefix === 'uint16' ? 2 : 1;
  const limit = prefix === 'uint30' ? 0x3fffffff : prefix === 'uint16' ? 0xffff : 0xff;
  return {
    sizeClass: DYNAMIC,
    title: `counted_list(${elt.title})`,
    sizeOf(vs) {
      checkLength(vs.length, max);
      return width + sizeOfElements(elt, vs);
    },
    write(w, vs) {
      checkLength(vs.length, max);
      if (vs.length > limit)
        throw new EncodeError('LIST_TOO_LONG', `${vs.length} elements do not fit a ${prefix} count`);
      if (width === 4) w.int32(vs.length);
      else if (width === 2) w.uint16(vs.length);
      else w.uint8(vs.length);
      writeElements(w, elt, vs);
    },
    read(r) {
      const at = r.pos;
      const n = width === 4 ? r.int32() : width === 2 ? r.uint16() : r.uint8();
      if (n < 0) r.fail('INVALID_INT', `negative element count ${n}`, at);
      if (max !== undefined && n > max) r.fail('LIST_TOO_LONG', `${n} elements, at most ${max} allowed`, at);
      // Every element takes at least one byte: a count beyond the input is rejected before allocating.
      if (n > r.remaining) r.fail('NOT_ENOUGH_DATA', `${n} elements announced, ${r.remaining} byte(s) left`, at);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(readElement(r, elt, i));
      return out;
    },
  };
}
