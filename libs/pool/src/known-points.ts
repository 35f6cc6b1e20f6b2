import { type Rng, randomInt } from '@tezos-p2p/events';
import type { Point } from '@tezos-p2p/wire';
import type { PointInfo } from './point-info.js';

/**
 * `compare_known_point_info`: connected-or-pending points before disconnected ones; among the former
 * the longest-standing (oldest last seen, never-seen first), among the latter the most recently seen
 * (never-seen last). Ties break at random, as Octez does.
 */
export function compareKnownPoints<C>(rng: Rng, a: PointInfo<C>, b: PointInfo<C>): number {
  const tie = () => (rng.next() < 0.5 ? -1 : 1);
  const aDisc = a.state.kind === 'Disconnected';
  const bDisc = b.state.kind === 'Disconnected';
  const sa = a.lastSeen?.at;
  const sb = b.lastSeen?.at;
  if (!aDisc && !bDisc) {
    if (sa === undefined && sb === undefined) return tie();
    if (sa === undefined) return -1;
    if (sb === undefined) return 1;
    return sa === sb ? tie() : sa - sb;
  }
  if (!aDisc) return -1;
  if (!bDisc) return 1;
  if (sa === undefined && sb === undefined) return tie();
  if (sa === undefined) return 1;
  if (sb === undefined) return -1;
  return sa === sb ? tie() : sb - sa;
}

/**
 * Octez's `sample best other points`: all of them if few enough; otherwise the indexes 0 … best−1
 * and `other` indexes drawn uniformly (with replacement) in [best, length), sorted; walking the list,
 * each element whose position reaches the next index is taken and that one index consumed — so a
 * duplicate draw takes the following element instead, and only draws bunched at the end of the list
 * yield fewer points. The result is built by prepending: reverse order of selection.
 */
export function sample<T>(rng: Rng, best: number, other: number, items: readonly T[]): T[] {
  const l = items.length;
  if (l <= best + other) return [...items];
  const indexes: number[] = [];
  for (let i = 0; i < best; i++) indexes.push(i);
  const draws: number[] = [];
  for (let i = 0; i < other; i++) draws.push(best + randomInt(rng, l - best));
  draws.sort((x, y) => x - y);
  indexes.push(...draws);
  const picked: T[] = [];
  for (let i = 0, k = 0; i < l && k < indexes.length; i++) {
    if (i >= indexes[k]!) {
      picked.push(items[i]!);
      k++;
    }
  }
  return picked.reverse();
}

/** `list_known_points`: the split of `size` into 3/5 best and 2/5 random (`other = size·2/5`). */
export function splitSize(size: number): { best: number; other: number } {
  const other = Math.floor((size * 2) / 5);
  return { best: size - other, other };
}

/**
 * Positions taken by `sample` from a list of length `l`, given its index list: each index, in order,
 * takes the next position at or after it (so a duplicate takes the following element).
 */
export function samplePositions(rng: Rng, best: number, other: number, l: number): number[] {
  if (l <= best + other) return Array.from({ length: l }, (_, i) => i);
  const draws: number[] = [];
  for (let i = 0; i < other; i++) draws.push(best + randomInt(rng, l - best));
  draws.sort((x, y) => x - y);
  const positions: number[] = [];
  let next = 0;
  for (const index of [...Array.from({ length: best }, (_, i) => i), ...draws]) {
    const p = Math.max(index, next);
    if (p >= l) break;
    positions.push(p);
    next = p + 1;
  }
  return positions;
}

// Group boundaries of the sort key: connected-or-pending points, then disconnected ones.
const NEVER_SEEN_CONNECTED = -1e13;
const DISCONNECTED_BASE = 1e14;
const NEVER_SEEN_DISCONNECTED = 1e13;

/**
 * `list_known_points`'s selection in expected linear time. Octez sorts every known point (with a
 * random comparator on ties) and then samples ~50 ranks; here each point gets the same sort key plus
 * a random tie-breaker, and only the sampled ranks are selected (multi-quickselect,
 * O(n log ranks)). For points without ties the result is exactly Octez's; with ties, both orders are
 * uniformly random among tied points.
 */
export function knownPointsSample<C>(rng: Rng, infos: PointInfo<C>[], size: number): Point[] {
  const { best, other } = splitSize(size);
  const n = infos.length;
  // Draw the sample's indexes first, as Octez does after a comparator that consumes no randomness
  // when there are no ties.
  const positions = samplePositions(rng, best, other, n);
  if (positions.length === 0) return [];
  const { key, tie, order } = scratchFor(n);
  for (let i = 0; i < n; i++) {
    const info = infos[i]!;
    const seen = info.lastSeen?.at;
    key[i] =
      info.state.kind === 'Disconnected'
        ? DISCONNECTED_BASE + (seen === undefined ? NEVER_SEEN_DISCONNECTED : -seen)
        : (seen ?? NEVER_SEEN_CONNECTED);
    tie[i] = rng.next();
  }
  for (let i = 0; i < n; i++) order[i] = i;
  const less = (a: number, b: number) => key[a]! < key[b]! || (key[a] === key[b] && tie[a]! < tie[b]!);
  // Few enough points: Octez returns the whole sorted list, in sorted (not reversed) order.
  if (n <= best + other)
    return [...order.subarray(0, n)].sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0)).map((i) => infos[i]!.point);
  multiSelect(order, 0, n, positions, 0, positions.length, less, rng);
  return positions.map((p) => infos[order[p]!]!.point).reverse();
}

/**
 * Work arrays of the selection, kept between calls (it runs for every Nack sent, over the whole table:
 * 20 bytes a known point each time was a steady share of the garbage). Only the first `n` entries of
 * each are used; the selection is synchronous, so one set serves every pool of the process.
 */
let scratch = { key: new Float64Array(0), tie: new Float64Array(0), order: new Int32Array(0) };

function scratchFor(n: number): typeof scratch {
  if (scratch.order.length < n) {
    const size = Math.max(n, 2 * scratch.order.length);
    scratch = { key: new Float64Array(size), tie: new Float64Array(size), order: new Int32Array(size) };
  }
  return scratch;
}

/**
 * Rearrange `a[lo, hi)` so that for every rank in `ranks[rlo, rhi)` (sorted, within [lo, hi)) the
 * element at that rank is the one a full sort would put there. Hoare-style partition around a random
 * pivot, recursing only into the parts holding wanted ranks.
 */
function multiSelect(
  a: Int32Array,
  lo: number,
  hi: number,
  ranks: readonly number[],
  rlo: number,
  rhi: number,
  less: (x: number, y: number) => boolean,
  rng: Rng,
): void {
  while (rlo < rhi && hi - lo > 1) {
    const pivot = a[lo + randomInt(rng, hi - lo)]!;
    // Three-way partition: [lo, lt) < pivot, [lt, gt) == pivot (one element, keys being a total order), [gt, hi) > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i < gt) {
      const x = a[i]!;
      if (less(x, pivot)) {
        a[i] = a[lt]!;
        a[lt++] = x;
        i++;
      } else if (less(pivot, x)) {
        a[i] = a[--gt]!;
        a[gt] = x;
      } else i++;
    }
    // Ranks below lt are on the left, ranks at or above gt on the right; the middle is settled.
    let split = rlo;
    while (split < rhi && ranks[split]! < lt) split++;
    let right = split;
    while (right < rhi && ranks[right]! < gt) right++;
    if (split - rlo < rhi - right) {
      multiSelect(a, lo, lt, ranks, rlo, split, less, rng);
      lo = gt;
      rlo = right;
    } else {
      multiSelect(a, gt, hi, ranks, right, rhi, less, rng);
      hi = lt;
      rhi = split;
    }
  }
}
