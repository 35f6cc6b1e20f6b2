import fc from 'fast-check';
import {
  DecodeError,
  FrameReader,
  Fixed,
  Variable,
  bool,
  bytes,
  checkSize,
  constant,
  conv,
  dynamicSize,
  empty,
  int16,
  int31,
  int32,
  int64,
  int8,
  latin1String,
  list,
  listWithCount,
  mergeObjs,
  obj,
  option,
  optional,
  rangedInt,
  string,
  tuple,
  uint16,
  uint30,
  uint8,
  union,
  unionCase,
  variableList,
} from '@tezos-p2p/encoding';
import { decoderTarget } from '../decoder-target.js';
import { INTERESTING_INTS, garbage, mutated } from '../mutate.js';
import { type FuzzTarget, OracleViolation, hex, showJson } from '../target.js';

/**
 * The encoding lib's combinators as real types use them, in four composites (integers, strings and
 * bytes, lists, unions) and one of everything, plus `FrameReader` under arbitrary chunkings.
 */

const i = (min: number, max: number) => fc.integer({ min, max });

const integers = obj(
  {
    u8: uint8,
    i8: int8,
    u16: uint16,
    i16: int16,
    i32: int32,
    i31: int31,
    u30: uint30,
    i64: int64,
    small: rangedInt(-5, 1000),
    shifted: rangedInt(100, 300),
    wide: rangedInt(-100000, 100000),
    far: rangedInt(1, 70000),
    flag: bool,
  },
  'integers',
);
const integersValue = fc.record({
  u8: i(0, 0xff),
  i8: i(-128, 127),
  u16: i(0, 0xffff),
  i16: i(-0x8000, 0x7fff),
  i32: i(-(2 ** 31), 2 ** 31 - 1),
  i31: i(-(2 ** 30), 2 ** 30 - 1),
  u30: i(0, 2 ** 30 - 1),
  i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  small: i(-5, 1000),
  shifted: i(100, 300),
  wide: i(-100000, 100000),
  far: i(1, 70000),
  flag: fc.boolean(),
});

const ascii = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });
const strings = obj(
  {
    s: string,
    b: bytes,
    l: latin1String,
    fb: Fixed.bytes(5),
    fs: Fixed.string(3),
    d8: dynamicSize(Variable.string, { prefix: 'uint8' }),
    d16: dynamicSize(Variable.bytes, { prefix: 'uint16' }),
    cs: checkSize(24, string),
    tail: Variable.latin1String,
  },
  'strings',
);
const latin1 = (max: number) => fc.string({ unit: fc.nat(255).map((c) => String.fromCharCode(c)), maxLength: max });
const stringsValue = fc.record({
  s: fc.string({ maxLength: 24 }),
  b: fc.uint8Array({ maxLength: 24 }),
  l: latin1(16),
  fb: fc.uint8Array({ minLength: 5, maxLength: 5 }),
  fs: ascii(3, 3),
  d8: fc.string({ maxLength: 30 }),
  d16: fc.uint8Array({ maxLength: 40 }),
  cs: ascii(0, 20),
  tail: latin1(16),
});

const lists = obj(
  {
    l: list(uint16, { maxLength: 10 }),
    ls: list(string, { maxLength: 5 }),
    c8: listWithCount(int8, { countPrefix: 'uint8', maxLength: 20 }),
    c16: listWithCount(bytes, { countPrefix: 'uint16' }),
    c30: listWithCount(obj({ x: uint8, y: option(string) })),
    nested: list(list(uint8)),
    tail: variableList(int32, { maxLength: 8 }),
  },
  'lists',
);
const listsValue = fc.record({
  l: fc.array(i(0, 0xffff), { maxLength: 10 }),
  ls: fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 }),
  c8: fc.array(i(-128, 127), { maxLength: 20 }),
  c16: fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 4 }),
  c30: fc.array(fc.record({ x: i(0, 255), y: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) }), {
    maxLength: 4,
  }),
  nested: fc.array(fc.array(i(0, 255), { maxLength: 4 }), { maxLength: 4 }),
  tail: fc.array(i(-(2 ** 31), 2 ** 31 - 1), { maxLength: 8 }),
});

type U = { kind: 'a' } | { kind: 'b'; v: number } | { kind: 'c'; s: string } | { kind: 'd'; p: [number, boolean] };
const union8 = union<U>(
  'uint8',
  [
    unionCase({
      tag: 0x00,
      title: 'A',
      encoding: empty,
      match: (v: U) => v.kind === 'a',
      proj: () => undefined,
      inj: (): U => ({ kind: 'a' }),
    }),
    unionCase({
      tag: 0x01,
      title: 'B',
      encoding: uint8,
      match: (v: U) => v.kind === 'b',
      proj: (v: U) => (v as { v: number }).v,
      inj: (v: number): U => ({ kind: 'b', v }),
    }),
    unionCase({
      tag: 0x7f,
      title: 'C',
      encoding: string,
      match: (v: U) => v.kind === 'c',
      proj: (v: U) => (v as { s: string }).s,
      inj: (s: string): U => ({ kind: 'c', s }),
    }),
    unionCase({
      tag: 0xff,
      title: 'D',
      encoding: tuple(int16, bool),
      match: (v: U) => v.kind === 'd',
      proj: (v: U) => (v as { p: [number, boolean] }).p,
      inj: (p: [number, boolean]): U => ({ kind: 'd', p }),
    }),
  ],
  'u8',
);
const uValue: fc.Arbitrary<U> = fc.oneof(
  fc.constant<U>({ kind: 'a' }),
  i(0, 255).map((v): U => ({ kind: 'b', v })),
  fc.string({ maxLength: 8 }).map((s): U => ({ kind: 'c', s })),
  fc.tuple(i(-0x8000, 0x7fff), fc.boolean()).map((p): U => ({ kind: 'd', p })),
);
type W = { w: 'none' } | { w: 'int'; n: number } | { w: 'raw'; b: Uint8Array };
const union16 = union<W>(
  'uint16',
  [
    unionCase({
      tag: 0x0000,
      title: 'None',
      encoding: empty,
      match: (v: W) => v.w === 'none',
      proj: () => undefined,
      inj: (): W => ({ w: 'none' }),
    }),
    unionCase({
      tag: 0x0100,
      title: 'Int',
      encoding: int32,
      match: (v: W) => v.w === 'int',
      proj: (v: W) => (v as { n: number }).n,
      inj: (n: number): W => ({ w: 'int', n }),
    }),
    unionCase({
      tag: 0xffff,
      title: 'Raw',
      encoding: bytes,
      match: (v: W) => v.w === 'raw',
      proj: (v: W) => (v as { b: Uint8Array }).b,
      inj: (b: Uint8Array): W => ({ w: 'raw', b }),
    }),
  ],
  'u16',
);
const wValue: fc.Arbitrary<W> = fc.oneof(
  fc.constant<W>({ w: 'none' }),
  i(-(2 ** 31), 2 ** 31 - 1).map((n): W => ({ w: 'int', n })),
  fc.uint8Array({ maxLength: 8 }).map((b): W => ({ w: 'raw', b })),
);
/** A conversion that refuses some wire values (odd numbers), as parsers inside `conv` do. */
const even = conv(
  uint16,
  (n: number) => n,
  (n) => {
    if (n % 2 !== 0) throw new Error(`odd value ${n}`);
    return n;
  },
  'even',
);
const unions = obj(
  {
    a: union8,
    b: option(union16),
    c: tuple(bool, option(uint8)),
    m: mergeObjs(obj({ x: uint8 }), obj({ y: optional(int64) })),
    even,
    k: constant('k'),
    rest: list(union8, { maxLength: 6 }),
  },
  'unions',
);
const unionsValue = fc.record({
  a: uValue,
  b: fc.option(wValue, { nil: undefined }),
  c: fc.tuple(fc.boolean(), fc.option(i(0, 255), { nil: undefined })),
  m: fc
    .record({ x: i(0, 255), y: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: undefined }) })
    .map(({ x, y }) => (y === undefined ? { x } : { x, y })),
  even: i(0, 0x7fff).map((n) => 2 * n),
  k: fc.constant('k' as const),
  rest: fc.array(uValue, { maxLength: 6 }),
});

/** Everything nested: dynamic sizes around variable parts, check_size around lists, unions of objects. */
const composite = obj(
  {
    head: tuple(uint8, dynamicSize(obj({ ints: integers, u: union8 }), { prefix: 'uint16' })),
    body: checkSize(4096, list(dynamicSize(unions))),
    texts: option(dynamicSize(strings)),
    tail: variableList(dynamicSize(lists, { prefix: 'uint16' }), { maxLength: 3 }),
  },
  'composite',
);
const compositeValue = fc.record({
  head: fc.tuple(i(0, 255), fc.record({ ints: integersValue, u: uValue })),
  body: fc.array(unionsValue, { maxLength: 3 }),
  texts: fc.option(stringsValue, { nil: undefined }),
  tail: fc.array(listsValue, { maxLength: 3 }),
});

// ---- FrameReader ----

export interface FrameInput {
  /** The byte stream: valid frames, frames announcing more than follows, garbage. */
  readonly stream: Uint8Array;
  /** Where the stream is cut into chunks (positions, taken modulo the length). */
  readonly cuts: readonly number[];
  readonly maxFrameSize: number | undefined;
}

function frame(body: Uint8Array): Uint8Array {
  const f = new Uint8Array(4 + body.length);
  new DataView(f.buffer).setUint32(0, body.length);
  f.set(body, 4);
  return f;
}

/** A size field announcing `n` bytes, then only `rest`. */
function claimFrame(n: number, rest: Uint8Array): Uint8Array {
  const f = new Uint8Array(4 + rest.length);
  new DataView(f.buffer).setUint32(0, n >>> 0);
  f.set(rest, 4);
  return f;
}

const segment = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 300 }).map(frame) },
  { weight: 2, arbitrary: mutated(fc.uint8Array({ maxLength: 64 }).map(frame), 2) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...INTERESTING_INTS), fc.uint8Array({ maxLength: 16 }))
      .map(([n, rest]) => claimFrame(n, rest)),
  },
  { weight: 1, arbitrary: garbage(32) },
);

const frameInput: fc.Arbitrary<FrameInput> = fc.record({
  stream: fc
    .array(segment, { maxLength: 6 })
    .map((parts) => Buffer.concat(parts))
    .map((b) => new Uint8Array(b.buffer, b.byteOffset, b.length)),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  maxFrameSize: fc.option(fc.constantFrom(0, 1, 64, 256, 100 * 2 ** 20 - 4, 2 ** 30), { nil: undefined }),
});

/**
 * Frames are returned in order, each `[size][size bytes]` with the announced size, and together they
 * are exactly a prefix of the stream (nothing lost, duplicated or reordered); errors only on a size
 * that is negative or over the cap, and only as DecodeError.
 */
function runFrames(input: FrameInput): void {
  const { stream } = input;
  const cuts = [...new Set(input.cuts.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))))].sort(
    (a, b) => a - b,
  );
  const reader = new FrameReader(input.maxFrameSize === undefined ? {} : { maxFrameSize: input.maxFrameSize });
  let fed = 0;
  let out = 0;
  const check = (f: Uint8Array) => {
    const size = new DataView(f.buffer, f.byteOffset, f.byteLength).getInt32(0);
    if (size !== f.length - 4)
      throw new OracleViolation('oracle', `frame announces ${size} bytes, holds ${f.length - 4}`);
    for (let k = 0; k < f.length; k++)
      if (f[k] !== stream[out + k])
        throw new OracleViolation('oracle', `frame at stream offset ${out} differs at byte ${k}`);
    out += f.length;
  };
  try {
    for (const cut of [...cuts, stream.length]) {
      reader.push(stream.subarray(fed, Math.max(fed, cut)));
      fed = Math.max(fed, cut);
      for (let f = reader.next(); f !== undefined; f = reader.next()) check(f);
      if (reader.buffered !== fed - out)
        throw new OracleViolation('oracle', `buffered ${reader.buffered}, expected ${fed - out}`);
    }
  } catch (e) {
    if (e instanceof DecodeError && e.offset !== out)
      throw new OracleViolation('oracle', `error offset ${e.offset}, frames end at ${out}`);
    throw e;
  }
}

export function encodingTargets(): FuzzTarget<unknown>[] {
  const targets: FuzzTarget<unknown>[] = [
    decoderTarget({
      name: 'encoding.integers',
      description: 'every integer width, ranged ints and bool in one object',
      encoding: integers,
      valid: integersValue,
      roundTrip: 'exact-or-refused',
    }),
    decoderTarget({
      name: 'encoding.strings',
      description: 'string / bytes / latin1 with uint30, uint16 and uint8 length prefixes, Fixed, Variable, check_size',
      encoding: strings,
      valid: stringsValue,
      roundTrip: 'exact',
    }),
    decoderTarget({
      name: 'encoding.lists',
      description: 'list, Variable.list, list_with_length (uint8/16/30 counts), nested lists, max lengths',
      encoding: lists,
      valid: listsValue,
      roundTrip: 'exact',
    }),
    decoderTarget({
      name: 'encoding.unions',
      description: 'uint8 and uint16 unions, option, tuple, merge_objs, conv refusing values, constant',
      encoding: unions,
      valid: unionsValue,
      roundTrip: 'exact',
    }),
    decoderTarget({
      name: 'encoding.composite',
      description: 'all combinators nested under dynamic_size and check_size',
      encoding: composite,
      valid: compositeValue,
      roundTrip: 'exact-or-refused',
      maxGarbage: 256,
    }),
  ];
  const frames: FuzzTarget<FrameInput> = {
    name: 'encoding.frameReader',
    description: 'FrameReader fed valid frames, huge and negative sizes and garbage, cut into arbitrary chunks',
    async: false,
    arbitrary: frameInput,
    allocation: {
      claims: fc.record({
        stream: fc
          .tuple(fc.constantFrom(0x3fffffff, 100 * 2 ** 20 - 4, 0x7fffffff), fc.uint8Array({ maxLength: 16 }))
          .map(([n, rest]) => claimFrame(n, rest)),
        cuts: fc.array(fc.nat(), { maxLength: 4 }),
        maxFrameSize: fc.constantFrom(undefined, 2 ** 30),
      }),
      size: (x) => x.stream.length,
    },
    run: runFrames,
    show: (x) => showJson({ stream: hex(x.stream), cuts: x.cuts, maxFrameSize: x.maxFrameSize }),
  };
  targets.push(frames);
  return targets;
}
