import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  type Encoding,
  Fixed,
  bool,
  bytes,
  decode,
  encode,
  int16,
  int31,
  int64,
  int8,
  latin1String,
  list,
  listWithCount,
  obj,
  option,
  optional,
  sizeOf,
  string,
  tuple,
  uint16,
  uint8,
  union,
  unionCase,
  variableList,
  dynamicSize,
} from '../src/index.js';

type Case = { name: string; enc: Encoding<any>; arb: fc.Arbitrary<any> };

type Msg = { kind: 'a'; n: number } | { kind: 'b'; s: string; xs: number[] } | { kind: 'c' };
const msg = union<Msg>('uint16', [
  unionCase({
    tag: 1,
    title: 'A',
    encoding: int31,
    match: (v: Msg) => v.kind === 'a',
    proj: (v: Msg) => (v as { n: number }).n,
    inj: (n: number) => ({ kind: 'a', n }),
  }),
  unionCase({
    tag: 2,
    title: 'B',
    encoding: obj({ s: string, xs: variableList(int16, { maxLength: 20 }) }),
    match: (v: Msg) => v.kind === 'b',
    proj: (v: Msg) => v as { s: string; xs: number[] },
    inj: (p: { s: string; xs: number[] }) => ({ kind: 'b', ...p }),
  }),
  unionCase({
    tag: 0x300,
    title: 'C',
    encoding: obj({}),
    match: (v: Msg) => v.kind === 'c',
    proj: () => ({}),
    inj: () => ({ kind: 'c' }),
  }),
]);

const cases: Case[] = [
  { name: 'uint8', enc: uint8, arb: fc.integer({ min: 0, max: 255 }) },
  { name: 'int8', enc: int8, arb: fc.integer({ min: -128, max: 127 }) },
  { name: 'int31', enc: int31, arb: fc.integer({ min: -(2 ** 30), max: 2 ** 30 - 1 }) },
  { name: 'int64', enc: int64, arb: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }) },
  { name: 'bool', enc: bool, arb: fc.boolean() },
  { name: 'bytes', enc: bytes, arb: fc.uint8Array({ maxLength: 300 }) },
  { name: 'string', enc: string, arb: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    name: 'latin1String',
    enc: latin1String,
    arb: fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  },
  {
    name: 'list(option(uint16))',
    enc: list(option(uint16)),
    arb: fc.array(fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }), { maxLength: 30 }),
  },
  {
    name: 'counted list',
    enc: listWithCount(Fixed.bytes(3), { maxLength: 9, countPrefix: 'uint16' }),
    arb: fc.array(fc.uint8Array({ minLength: 3, maxLength: 3 }), { maxLength: 9 }),
  },
  {
    name: 'obj with optional',
    enc: obj({ a: uint16, b: optional(string), c: tuple(bool, int8), d: dynamicSize(variableList(uint8)) }),
    arb: fc
      .record({
        a: fc.integer({ min: 0, max: 65535 }),
        b: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        c: fc.tuple(fc.boolean(), fc.integer({ min: -128, max: 127 })),
        d: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 10 }),
      })
      .map((r) => {
        const o: Record<string, unknown> = { ...r };
        if (r.b === undefined) delete o.b;
        return o;
      }),
  },
  {
    name: 'union',
    enc: msg,
    arb: fc.oneof(
      fc.integer({ min: -(2 ** 30), max: 2 ** 30 - 1 }).map((n) => ({ kind: 'a' as const, n })),
      fc
        .record({
          s: fc.string({ maxLength: 10 }),
          xs: fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 20 }),
        })
        .map((r) => ({ kind: 'b' as const, ...r })),
      fc.constant({ kind: 'c' as const }),
    ),
  },
];

function onlyTypedErrors(enc: Encoding<unknown>, input: Uint8Array): void {
  try {
    const v = decode(enc, input);
    // Every codec here is canonical: whatever decodes re-encodes to the very same bytes.
    expect(encode(enc, v)).toEqual(input);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(input.length);
  }
}

describe('property: round trip and exact size', () => {
  it.each(cases)('$name', ({ enc, arb }) => {
    fc.assert(
      fc.property(arb, (v) => {
        const b = encode(enc, v);
        expect(sizeOf(enc, v)).toBe(b.length);
        expect(decode(enc, b)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: hostile input yields only typed errors', () => {
  it.each(cases)('$name on random bytes', ({ enc }) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => onlyTypedErrors(enc, input)),
      { numRuns: 500 },
    );
  });

  it.each(cases)('$name truncated or extended', ({ enc, arb }) => {
    fc.assert(
      fc.property(arb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }), (v, cut, extra) => {
        const b = encode(enc, v);
        if (b.length > 0) {
          const truncated = b.subarray(0, cut % b.length);
          // A trailing variable-size list may legitimately end at any element boundary.
          if (enc.sizeClass.kind === 'variable') onlyTypedErrors(enc, truncated);
          else expect(() => decode(enc, truncated)).toThrow(DecodeError);
        }
        const extended = new Uint8Array(b.length + extra.length);
        extended.set(b);
        extended.set(extra, b.length);
        onlyTypedErrors(enc, extended);
      }),
      { numRuns: 300 },
    );
  });
});
