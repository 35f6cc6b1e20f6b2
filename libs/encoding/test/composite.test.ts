import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodingDefinitionError,
  Fixed,
  Variable,
  bool,
  bytes,
  checkSize,
  constant,
  conv,
  decode,
  dynamicSize,
  encode,
  fromHex,
  int16,
  latin1String,
  list,
  listWithCount,
  mergeObjs,
  obj,
  option,
  optional,
  sizeOf,
  string,
  toHex,
  tuple,
  uint16,
  uint8,
  union,
  unionCase,
  variableList,
} from '../src/index.js';

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw new Error(`expected a DecodeError, got ${String(e)}`);
  }
  throw new Error('expected a DecodeError, got success');
}

describe('strings and bytes', () => {
  it('string is a uint30 length then the bytes', () => {
    expect(toHex(encode(string, 'main'))).toBe('000000046d61696e');
    expect(decode(string, fromHex('000000046d61696e'))).toBe('main');
  });

  it('a length beyond the input fails at once with NOT_ENOUGH_DATA at the prefix', () => {
    const e = decodeError(() => decode(bytes, fromHex('7fffffff00')));
    expect(e.code).toBe('NOT_ENOUGH_DATA');
  });

  it('invalid UTF-8 is INVALID_UTF8; latin1 strings round-trip any bytes', () => {
    expect(decodeError(() => decode(string, fromHex('00000001ff'))).code).toBe('INVALID_UTF8');
    const raw = fromHex('00000003ff00e9');
    expect(encode(latin1String, decode(latin1String, raw))).toEqual(raw);
  });

  it('a leading byte-order mark is content: kept on decoding, written back', () => {
    const withBom = fromHex('00000005efbbbfc3a9');
    expect(decode(string, withBom)).toBe('\ufeffé');
    expect(encode(string, decode(string, withBom))).toEqual(withBom);
  });

  it('fixed bytes require exactly n bytes', () => {
    expect(() => encode(Fixed.bytes(3), new Uint8Array(2))).toThrow(/INVALID_BYTES_LENGTH/);
    expect(decodeError(() => decode(Fixed.bytes(3), new Uint8Array(2))).code).toBe('NOT_ENOUGH_DATA');
    expect(decodeError(() => decode(Fixed.bytes(3), new Uint8Array(4))).code).toBe('EXTRA_BYTES');
  });

  it('dynamic size with a uint16 prefix', () => {
    const e = dynamicSize(Variable.bytes, { prefix: 'uint16' });
    expect(toHex(encode(e, fromHex('aabb')))).toBe('0002aabb');
    expect(() => encode(e, new Uint8Array(70000))).toThrow(/SIZE_LIMIT_EXCEEDED/);
  });

  it('dynamic size content must consume the whole region', () => {
    const e = dynamicSize(uint8);
    expect(decodeError(() => decode(e, fromHex('000000020102'))).code).toBe('EXTRA_BYTES');
  });
});

describe('objects, tuples, options', () => {
  const point = obj({ x: uint16, y: int16, label: optional(string), tag: uint8 });

  it('fields are written in declaration order with a bool presence flag for options', () => {
    expect(toHex(encode(point, { x: 1, y: -1, tag: 7 }))).toBe('0001ffff0007');
    expect(toHex(encode(point, { x: 1, y: -1, label: 'a', tag: 7 }))).toBe('0001ffffff0000000161' + '07');
    expect(decode(point, fromHex('0001ffffff000000016107'))).toEqual({ x: 1, y: -1, label: 'a', tag: 7 });
    expect(sizeOf(point, { x: 1, y: -1, label: 'a', tag: 7 })).toBe(11);
  });

  it('errors carry the path of field names and the offset', () => {
    const outer = obj({ inner: obj({ ok: bool }) });
    const e = decodeError(() => decode(outer, fromHex('07')));
    expect(e.code).toBe('INVALID_BOOL');
    expect(e.path).toEqual(['inner', 'ok']);
    expect(e.offset).toBe(0);
    expect(e.message).toContain('inner.ok');
  });

  it('a variable-size field must be last', () => {
    expect(() => obj({ a: Variable.bytes, b: uint8 })).toThrow(EncodingDefinitionError);
    expect(() => tuple(Variable.string, uint8)).toThrow(EncodingDefinitionError);
  });

  it('optional variable fields take no flag and run to the end', () => {
    const o = obj({ a: uint8, rest: optional(Variable.bytes) });
    expect(toHex(encode(o, { a: 1 }))).toBe('01');
    expect(decode(o, fromHex('01'))).toEqual({ a: 1 });
    expect(decode(o, fromHex('01abcd'))).toEqual({ a: 1, rest: fromHex('abcd') });
  });

  it('tuples are concatenations', () => {
    const t = tuple(Fixed.string(10), uint16);
    expect(toHex(encode(t, ['DISCOMAGIC', 9732]))).toBe('444953434f4d414749432604');
    expect(decode(t, fromHex('444953434f4d414749432604'))).toEqual(['DISCOMAGIC', 9732]);
  });

  it('option is a 00/01 tag', () => {
    const o = option(uint16);
    expect(toHex(encode(o, undefined))).toBe('00');
    expect(toHex(encode(o, 5))).toBe('010005');
    expect(decodeError(() => decode(o, fromHex('02'))).code).toBe('UNEXPECTED_TAG');
  });

  it('merged objects concatenate both layouts', () => {
    const m = mergeObjs(obj({ a: uint8 }), obj({ b: uint8 }));
    expect(toHex(encode(m, { a: 1, b: 2 }))).toBe('0102');
    expect(decode(m, fromHex('0102'))).toEqual({ a: 1, b: 2 });
  });
});

describe('lists', () => {
  it('list is a byte-length prefix, not a count', () => {
    const l = list(uint16);
    expect(toHex(encode(l, [1, 2]))).toBe('0000000400010002');
    expect(decode(l, fromHex('0000000400010002'))).toEqual([1, 2]);
  });

  it('variable lists run to the end of the region and honour maxLength', () => {
    const l = variableList(string, { maxLength: 2 });
    const three = fromHex('00000001610000000162' + '0000000163');
    const e = decodeError(() => decode(l, three));
    expect(e.code).toBe('LIST_TOO_LONG');
    expect(() => encode(l, ['a', 'b', 'c'])).toThrow(/LIST_TOO_LONG/);
  });

  it('an element error names its index', () => {
    const e = decodeError(() => decode(list(bool), fromHex('000000030000')));
    expect(e.code).toBe('NOT_ENOUGH_DATA');
    const e2 = decodeError(() => decode(list(bool), fromHex('00000003ff0007')));
    expect(e2.code).toBe('INVALID_BOOL');
    expect(e2.path).toEqual([2]);
    expect(e2.offset).toBe(6);
  });

  it('a bounded list of fixed elements is also size-checked, as Data_encoding does', () => {
    const l = list(uint16, { maxLength: 2 });
    // Data_encoding counts elements before the size limit bites, so extra elements are LIST_TOO_LONG
    expect(decodeError(() => decode(l, fromHex('00000006000100020003'))).code).toBe('LIST_TOO_LONG');
    expect(decodeError(() => decode(l, fromHex('0000000500010002ff'))).code).toBe('LIST_TOO_LONG');
    // and encoding more than maxLength elements is refused.
    expect(() => encode(l, [1, 2, 3])).toThrow(/LIST_TOO_LONG/);
  });

  it('counted lists check the count before reading elements', () => {
    const l = listWithCount(uint16, { maxLength: 3 });
    expect(toHex(encode(l, [7]))).toBe('000000010007');
    expect(decodeError(() => decode(l, fromHex('00000004'))).code).toBe('LIST_TOO_LONG');
    expect(decodeError(() => decode(listWithCount(uint16), fromHex('0fffffff00'))).code).toBe('NOT_ENOUGH_DATA');
  });

  it('zero-size elements are refused at definition time', () => {
    expect(() => variableList(constant(1))).toThrow(EncodingDefinitionError);
  });
});

describe('unions', () => {
  type Shape = { kind: 'circle'; r: number } | { kind: 'dot' };
  const shape = union<Shape>('uint16', [
    unionCase({
      tag: 1,
      title: 'Circle',
      encoding: uint8,
      match: (v: Shape) => v.kind === 'circle',
      proj: (v: Shape) => (v as { r: number }).r,
      inj: (r: number) => ({ kind: 'circle', r }),
    }),
    unionCase({
      tag: 0x10,
      title: 'Dot',
      encoding: constant(undefined),
      match: (v: Shape) => v.kind === 'dot',
      proj: () => undefined,
      inj: () => ({ kind: 'dot' }),
    }),
  ]);

  it('writes a big-endian tag then the payload', () => {
    expect(toHex(encode(shape, { kind: 'circle', r: 9 }))).toBe('000109');
    expect(toHex(encode(shape, { kind: 'dot' }))).toBe('0010');
    expect(decode(shape, fromHex('0010'))).toEqual({ kind: 'dot' });
  });

  it('unknown tags are UNEXPECTED_TAG at the tag offset', () => {
    const e = decodeError(() => decode(shape, fromHex('0002')));
    expect(e.code).toBe('UNEXPECTED_TAG');
    expect(e.offset).toBe(0);
  });

  it('payload errors carry the case title', () => {
    const e = decodeError(() => decode(shape, fromHex('0001')));
    expect(e.path).toEqual(['Circle']);
  });

  it('check_size limits apply on both sides', () => {
    const c = checkSize(3, bytes);
    expect(() => encode(c, new Uint8Array(1))).toThrow(/SIZE_LIMIT_EXCEEDED/);
    expect(decodeError(() => decode(c, fromHex('0000000100'))).code).toBe('SIZE_LIMIT_EXCEEDED');
  });

  it('conversion failures become INVALID_VALUE decode errors', () => {
    const even = conv(
      uint8,
      (v: number) => v,
      (u) => {
        if (u % 2) throw new Error('odd');
        return u;
      },
      'even',
    );
    const e = decodeError(() => decode(even, fromHex('03')));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.detail).toContain('odd');
  });
});
