import fc from 'fast-check';
import { pooled } from './pool.js';

/**
 * Byte-level mutations of real encodings, so the fuzzer gets past the first tag byte into the
 * decoders: flips, overwrites, insertions, deletions, truncations, duplicated blocks, and integers
 * written over length prefixes (absolute values at the interesting edges, or relative to what is
 * really left, ±a few).
 */
export type IntValue = { readonly abs: number } | { readonly rel: number };

export type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'byte'; readonly at: number; readonly value: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'delete'; readonly at: number; readonly length: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'int'; readonly at: number; readonly width: 1 | 2 | 4; readonly value: IntValue }
  | { readonly op: 'duplicate'; readonly at: number; readonly from: number; readonly length: number };

/** Edges of every integer and length type on the wire, and the P2P caps around 100 MiB and 2^30. */
export const INTERESTING_INTS: readonly number[] = [
  0,
  1,
  2,
  3,
  4,
  0x0f,
  0x10,
  0x7f,
  0x80,
  0xfe,
  0xff,
  0x100,
  0x7fff,
  0x8000,
  0xfffe,
  0xffff,
  0x10000,
  0xffffff,
  0x1000000,
  0x3ffffffe,
  0x3fffffff,
  0x40000000,
  0x7ffffffe,
  0x7fffffff,
  0x80000000,
  0xfffffffe,
  0xffffffff,
  100 * 2 ** 20 - 5,
  100 * 2 ** 20 - 4,
  100 * 2 ** 20 - 3,
  100 * 2 ** 20,
  2 * 2 ** 20,
  2 * 2 ** 20 + 1,
  8 * 2 ** 20 + 1,
  131072,
  131073,
  1048577,
  2097153,
];

/** Positions: mostly near the front (headers, tags, length prefixes), anywhere otherwise. */
const position = fc.oneof({ weight: 3, arbitrary: fc.nat(40) }, { weight: 2, arbitrary: fc.nat() });

const intValue: fc.Arbitrary<IntValue> = fc.oneof(
  fc.constantFrom(...INTERESTING_INTS).map((abs) => ({ abs })),
  fc.integer({ min: -3, max: 3 }).map((rel) => ({ rel })),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('byte' as const),
      at: position,
      value: fc.oneof(fc.nat(255), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x0f, 0xf0, 0x10)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 8 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('int' as const),
      at: position,
      width: fc.constantFrom<1 | 2 | 4>(1, 2, 4),
      value: intValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('duplicate' as const),
      at: position,
      from: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
    }),
  },
);

export const mutations = (maxLength = 4): fc.Arbitrary<Mutation[]> => fc.array(mutation, { minLength: 1, maxLength });

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** Apply one mutation; never modifies `b`. Positions are taken modulo the length. */
export function applyMutation(b: Uint8Array, m: Mutation): Uint8Array {
  const n = b.length;
  switch (m.op) {
    case 'flip': {
      if (n === 0) return b;
      const out = Uint8Array.from(b);
      out[m.at % n]! ^= 1 << m.bit;
      return out;
    }
    case 'byte': {
      if (n === 0) return Uint8Array.of(m.value);
      const out = Uint8Array.from(b);
      out[m.at % n] = m.value;
      return out;
    }
    case 'insert':
      return splice(b, m.at % (n + 1), 0, m.bytes);
    case 'delete': {
      if (n === 0) return b;
      const at = m.at % n;
      return splice(b, at, Math.min(m.length, n - at), new Uint8Array(0));
    }
    case 'truncate':
      return b.subarray(0, n === 0 ? 0 : m.at % n).slice();
    case 'int': {
      if (n < m.width) return b;
      const at = m.at % (n - m.width + 1);
      const v = 'abs' in m.value ? m.value.abs : n - at - m.width + m.value.rel;
      const out = Uint8Array.from(b);
      for (let i = 0; i < m.width; i++) out[at + i] = Math.floor(v / 2 ** (8 * (m.width - 1 - i))) & 0xff;
      return out;
    }
    case 'duplicate': {
      if (n === 0) return b;
      const from = m.from % n;
      return splice(b, m.at % (n + 1), 0, b.slice(from, Math.min(n, from + m.length)));
    }
  }
}

export function applyMutations(b: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let out = b;
  for (const m of ms) out = applyMutation(out, m);
  return out === b ? Uint8Array.from(b) : out;
}

/** `base` with one to `max` mutations applied. */
export function mutated(base: fc.Arbitrary<Uint8Array>, max = 4): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, mutations(max)).map(([b, ms]) => applyMutations(b, ms));
}

/** Random bytes, often with a plausible length prefix in front. */
export function garbage(maxLength = 96): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength }),
    fc.tuple(fc.constantFrom(...INTERESTING_INTS), fc.uint8Array({ maxLength })).map(([len, rest]) => {
      const out = new Uint8Array(4 + rest.length);
      new DataView(out.buffer).setUint32(0, len >>> 0);
      out.set(rest, 4);
      return out;
    }),
  );
}

/**
 * The usual input mix for a byte decoder: garbage, valid encodings (from a pool drawn once, and
 * fresh ones), mutated valid encodings, and real recorded bytes as they are and mutated.
 */
export function bytesInput(
  valid: fc.Arbitrary<Uint8Array>,
  fixtures: readonly Uint8Array[] = [],
  maxGarbage = 96,
): fc.Arbitrary<Uint8Array> {
  const pool = pooled(valid);
  const arms: fc.WeightedArbitrary<Uint8Array>[] = [
    { weight: 2, arbitrary: garbage(maxGarbage) },
    { weight: 1, arbitrary: pool },
    { weight: 1, arbitrary: valid },
    { weight: 5, arbitrary: mutated(pool) },
    { weight: 1, arbitrary: mutated(valid) },
  ];
  if (fixtures.length > 0) {
    const real = fc.constantFrom(...fixtures);
    arms.push({ weight: 1, arbitrary: real }, { weight: 5, arbitrary: mutated(real) });
  }
  return fc.oneof(...arms);
}

/** Text mutated byte-wise (as latin1, where every character is one byte), for the string parsers. */
export function mutatedText(base: fc.Arbitrary<string>, max = 3): fc.Arbitrary<string> {
  return mutated(
    base.map((s) => new Uint8Array(Buffer.from(s, 'latin1'))),
    max,
  ).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));
}
