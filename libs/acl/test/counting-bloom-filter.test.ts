import { describe, expect, it } from 'vitest';
import { seededRng } from '@tezos-p2p/events';
import { AclError, CountingBloomFilter, numbits } from '../src/index.js';
import { BLOOM_MAX_COUNT } from '../src/counting-bloom-filter.js';
import { fieldLE, randomBytes } from './helpers.js';

/** A filter whose elements are their own digests, to place cells by hand. */
function identityFilter(indexBits: number, hashes = 5): CountingBloomFilter<Uint8Array> {
  return new CountingBloomFilter<Uint8Array>({ hash: (d) => d, hashes, indexBits });
}

describe('numbits (Bits.numbits)', () => {
  it('counts the bits needed to write n', () => {
    expect([0, 1, 2, 3, 4, 255, 256].map(numbits)).toEqual([0, 1, 2, 2, 3, 8, 9]);
    expect(numbits(2 ** 22)).toBe(23); // default ip size 2048 kB × 2048
    expect(numbits(2048)).toBe(12); // 1 kB
    expect(numbits(8191 * 2048)).toBe(24);
    expect(numbits(8192 * 2048)).toBe(25); // refused by Bloomer.create
    expect(numbits(2 ** 40)).toBe(41);
    expect(() => numbits(-1)).toThrow(RangeError);
  });
});

describe('CountingBloomFilter layout (Bloomer.peek / poke)', () => {
  // Digest ab cd ef 12 34 56 78 9a, 12-bit fields read LSB-first:
  //   bits  0..11: ab | (cd & 0xf) << 8        = 0xdab
  //   bits 12..23: (cd >> 4) | ef << 4         = 0xefc
  //   bits 24..35: 12 | (34 & 0xf) << 8        = 0x412
  //   bits 36..47: (34 >> 4) | 56 << 4         = 0x563
  //   bits 48..59: 78 | (9a & 0xf) << 8        = 0xa78
  const digest = Uint8Array.from([0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a]);
  const cells = [0xdab, 0xefc, 0x412, 0x563, 0xa78];

  it('reads the indexes as little-endian bit fields', () => {
    const f = identityFilter(12);
    expect(f.cellsOf(digest)).toEqual(cells);
    expect(cells).toEqual([0, 1, 2, 3, 4].map((i) => fieldLE(digest, 12 * i, 12)));
  });

  it('puts cell j in the low nibble of byte j/2 when j is even, the high nibble when odd', () => {
    const f = identityFilter(12);
    expect(f.cellCount).toBe(4096);
    expect(f.byteLength).toBe(2048);
    f.add(digest);
    const bytes = f.toBytes();
    // 0xdab = 3499 odd -> byte 1749 high; 0xefc = 3836 even -> byte 1918 low; 0x412 = 1042 even -> byte 521 low;
    // 0x563 = 1379 odd -> byte 689 high; 0xa78 = 2680 even -> byte 1340 low.
    const expected = new Map([
      [1749, 0xf0],
      [1918, 0x0f],
      [521, 0x0f],
      [689, 0xf0],
      [1340, 0x0f],
    ]);
    for (let i = 0; i < bytes.length; i++) expect(bytes[i], `byte ${i}`).toBe(expected.get(i) ?? 0);
    for (const j of cells) expect(f.cell(j)).toBe(BLOOM_MAX_COUNT);
    expect(f.cell(3498)).toBe(0); // the other nibble of byte 1749
  });

  it('matches an independent BigInt reading for every index width, including fields spanning 4 bytes', () => {
    const rng = seededRng(7);
    for (let indexBits = 1; indexBits <= 24; indexBits++) {
      const f = identityFilter(indexBits);
      for (let k = 0; k < 50; k++) {
        const d = randomBytes(rng, 32);
        expect(f.cellsOf(d)).toEqual([0, 1, 2, 3, 4].map((i) => fieldLE(d, indexBits * i, indexBits)));
      }
    }
  });

  it('sizes the filter as Octez allocates it ((2^index_bits × 4 + 7) / 8 bytes)', () => {
    expect(identityFilter(1).byteLength).toBe(1);
    expect(identityFilter(2).byteLength).toBe(2);
    expect(identityFilter(23).byteLength).toBe(4 * 1024 * 1024);
  });
});

describe('CountingBloomFilter emptiness', () => {
  it('is empty until an add, and again once cleared or counted down to zero', () => {
    const f = identityFilter(8);
    const x = randomBytes(seededRng(3), 8);
    expect(f.empty).toBe(true);
    f.add(x);
    expect(f.empty).toBe(false);
    for (let i = 0; i < BLOOM_MAX_COUNT - 1; i++) f.countdown();
    expect([f.empty, f.mem(x)]).toEqual([false, true]);
    f.countdown();
    expect([f.empty, f.mem(x)]).toEqual([true, false]);
    f.add(x);
    f.clear();
    expect(f.empty).toBe(true);
  });
});

describe('CountingBloomFilter operations', () => {
  it('add sets 15, mem needs all cells, rem zeroes, countdown decays, clear empties', () => {
    const f = identityFilter(12);
    const a = Uint8Array.from([0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a]);
    expect(f.mem(a)).toBe(false);
    f.add(a);
    expect(f.mem(a)).toBe(true);
    for (let t = 1; t <= 14; t++) {
      f.countdown();
      expect(f.cell(0xdab)).toBe(15 - t);
      expect(f.mem(a)).toBe(true);
    }
    f.countdown();
    expect(f.mem(a)).toBe(false);
    f.countdown(); // zero stays zero
    expect(f.cell(0xdab)).toBe(0);

    f.add(a);
    f.rem(a);
    expect(f.mem(a)).toBe(false);
    expect(f.toBytes().every((b) => b === 0)).toBe(true);

    f.add(a);
    f.clear();
    expect(f.mem(a)).toBe(false);
    expect(f.toBytes().every((b) => b === 0)).toBe(true);
  });

  it('mem fails as soon as one cell is zero', () => {
    const f = identityFilter(12);
    const a = Uint8Array.from([0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a]);
    // b shares the first four cells of a (first 48 bits) but not the fifth.
    const b = Uint8Array.from([0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x79, 0x9a]);
    f.add(a);
    expect(f.mem(b)).toBe(false);
    f.add(b);
    f.rem(b); // zeroes the four shared cells too
    expect(f.mem(a)).toBe(false);
  });

  it('agrees with a cell-by-cell model of Bloomer under random operations', () => {
    for (const indexBits of [1, 2, 3, 6, 10]) {
      const rng = seededRng(indexBits);
      const f = identityFilter(indexBits, 3);
      const model = new Array<number>(2 ** indexBits).fill(0);
      const idx = (d: Uint8Array) => [0, 1, 2].map((i) => fieldLE(d, indexBits * i, indexBits));
      const pool = Array.from({ length: 20 }, () => randomBytes(rng, 8));
      for (let step = 0; step < 600; step++) {
        const r = rng.next();
        const d = pool[Math.floor(rng.next() * pool.length)]!;
        if (r < 0.35) {
          f.add(d);
          for (const j of idx(d)) model[j] = 15;
        } else if (r < 0.45) {
          f.rem(d);
          for (const j of idx(d)) model[j] = 0;
        } else if (r < 0.98) {
          f.countdown();
          for (let j = 0; j < model.length; j++) if (model[j]! > 0) model[j]!--;
        } else {
          f.clear();
          model.fill(0);
        }
        const cells = Array.from({ length: model.length }, (_, j) => f.cell(j));
        if (cells.some((c, j) => c !== model[j])) expect(cells, `step ${step}`).toEqual(model);
        const mems = pool.map((p) => f.mem(p));
        const expected = pool.map((p) => idx(p).every((j) => model[j]! > 0));
        if (mems.some((m, k) => m !== expected[k])) expect(mems, `step ${step}`).toEqual(expected);
      }
    }
  });

  it('counts down a default-size (4 MiB) filter cell by cell', () => {
    const f = identityFilter(23);
    const rng = seededRng(3);
    const ds = Array.from({ length: 100 }, () => randomBytes(rng, 32));
    for (const d of ds) f.add(d);
    const last = ds[ds.length - 1]!;
    f.countdown();
    f.add(last); // back to 15 while the others are at 14
    for (let t = 0; t < 14; t++) f.countdown();
    expect(f.mem(last)).toBe(true);
    expect(ds.filter((d) => f.mem(d))).toEqual([last]);
    f.countdown();
    expect(f.toBytes().every((b) => b === 0)).toBe(true);
  });

  it('refuses bad parameters and short digests with typed errors', () => {
    for (const indexBits of [0, 25, 1.5, Number.NaN]) {
      expect(() => identityFilter(indexBits)).toThrow(
        expect.objectContaining({ name: 'AclError', code: 'INVALID_ACL_CONFIG' }),
      );
    }
    expect(() => identityFilter(8, 0)).toThrow(AclError);
    const f = identityFilter(12);
    expect(() => f.add(new Uint8Array(7))).toThrow(expect.objectContaining({ code: 'BLOOM_DIGEST_TOO_SHORT' }));
    expect(() => f.cell(4096)).toThrow(RangeError);
  });
});

describe('CountingBloomFilter storage', () => {
  it('holds no cell memory until the first add, and gives it back once clear or decayed to empty', () => {
    const f = new CountingBloomFilter<Uint8Array>({ hash: (d) => d, hashes: 3, indexBits: 20 });
    const x = new Uint8Array(32).fill(7);
    expect(f.allocatedBytes).toBe(0);
    expect(f.mem(x)).toBe(false);
    f.rem(x);
    f.countdown();
    expect(f.toBytes()).toEqual(new Uint8Array(f.byteLength));
    expect(f.allocatedBytes).toBe(0);
    f.add(x);
    expect(f.allocatedBytes).toBe(f.byteLength);
    expect(f.mem(x)).toBe(true);
    for (let i = 0; i < BLOOM_MAX_COUNT - 1; i++) f.countdown();
    expect(f.mem(x)).toBe(true);
    expect(f.allocatedBytes).toBe(f.byteLength);
    f.countdown();
    expect(f.mem(x)).toBe(false);
    expect(f.allocatedBytes).toBe(0);
    f.add(x);
    f.clear();
    expect(f.allocatedBytes).toBe(0);
    expect(f.mem(x)).toBe(false);
  });
});
