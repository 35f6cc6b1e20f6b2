import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Case generation without fast-check's runner: each case has its own generator seeded from the run
 * seed and the case index, so any case of a million-case run is rebuilt alone from `(seed, index)`,
 * and generation costs one arbitrary draw (no shrink trees, no property bookkeeping).
 */

/** A 32-bit seed for case `index` of run `seed` (a murmur3-style finaliser, so nearby indices diverge). */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Bias as fast-check's own runner applies it: most cases lean towards small values and the edges of
 * each range (bias frequency 2–4), one in four is drawn uniformly.
 */
function biasOf(index: number): number | undefined {
  return index % 4 === 3 ? undefined : 2 + (index % 3);
}

/** The input of case `index` of a run seeded with `seed`. */
export function generateCase<T>(arbitrary: fc.Arbitrary<T>, seed: number, index: number): T {
  return arbitrary.generate(new fc.Random(xoroshiro128plus(caseSeed(seed, index))), biasOf(index)).value;
}
