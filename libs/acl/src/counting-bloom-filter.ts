import { AclError } from './errors.js';

/** Bits per cell: Octez's ACL uses `countdown_bits = 4`, so cells count down from 15 to 0. */
export const BLOOM_COUNTDOWN_BITS = 4;
/** The value `add` writes into a cell (`(1 lsl countdown_bits) - 1`). */
export const BLOOM_MAX_COUNT = 15;
/** `Bloomer.create` refuses `index_bits > 24` (a 16 M-cell, 8 MiB filter). */
export const BLOOM_MAX_INDEX_BITS = 24;

export interface CountingBloomFilterOptions<T> {
  /** The digest of an element; it must hold at least `hashes × indexBits` bits. */
  readonly hash: (x: T) => Uint8Array;
  /** How many cells an element sets (Octez's ACL: 5). */
  readonly hashes: number;
  /** log2 of the number of cells, 1..24. */
  readonly indexBits: number;
}

/**
 * Both nibbles of a byte decremented, zero staying zero: one lookup counts down two cells at once,
 * which keeps a countdown over the default 4 MiB filter to a few milliseconds.
 */
const COUNTDOWN_TABLE = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const lo = b & 0x0f;
    const hi = b >> 4;
    t[b] = (lo > 0 ? lo - 1 : 0) | ((hi > 0 ? hi - 1 : 0) << 4);
  }
  return t;
})();

/**
 * Octez's `Bloomer.peek`: the `width`-bit field at bit offset `ofs`, where bit k of a byte string is
 * bit (k mod 8), LSB first, of byte k/8 and the field is the little-endian integer of those bits (the
 * OCaml comment says "big endian"; the code is LSB-first). width ≤ 24 and ofs mod 8 ≤ 7, so the field
 * spans at most 4 bytes and fits a uint32.
 */
function peek(bytes: Uint8Array, ofs: number, width: number): number {
  const first = ofs >>> 3;
  const shift = ofs & 7;
  const end = first + ((shift + width + 7) >>> 3);
  let v = 0;
  for (let i = end - 1; i >= first; i--) v = (v << 8) | bytes[i]!;
  return (v >>> shift) & ((1 << width) - 1);
}

function checkInteger(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new AclError('INVALID_ACL_CONFIG', `${what} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/**
 * A counting Bloom filter with countdown cells, as Octez's `Bloomer` (src/lib_stdlib/bloomer.ml) with
 * `countdown_bits = 4`: `2^indexBits` cells of 4 bits, cell j in bits [4j, 4j+4) of the filter (the low
 * nibble of byte j/2 when j is even, the high nibble when odd). Element x owns the cells whose indexes
 * are the `hashes` consecutive `indexBits`-wide fields at the start of `hash(x)`.
 *
 * `add` sets its cells to 15, `mem` is true when all are non-zero (false positives possible, no false
 * negatives short of `rem`/`countdown`/`clear`), `rem` zeroes them (also forgetting any element sharing
 * one of them), `countdown` decrements every non-zero cell, `clear` zeroes everything.
 */
interface BloomStorage {
  /** The cells' memory padded to whole words: countdown skips all-zero words without reading bytes. */
  readonly padded: Uint8Array;
  readonly filter: Uint8Array;
  readonly words: Uint32Array;
}

export class CountingBloomFilter<T> {
  readonly hashes: number;
  readonly indexBits: number;
  /** Number of cells, `2^indexBits`. */
  readonly cellCount: number;
  /** Size of the filter in bytes (`2^indexBits × 4 / 8`, at least 1), as Octez allocates it. */
  readonly byteLength: number;
  private readonly hash: (x: T) => Uint8Array;
  /**
   * The cells, allocated by the first `add` and dropped when the filter is known to be empty again
   * (`clear`, or a `countdown` that leaves no cell set): at Octez's default size this is 4 MiB a node
   * that a node which never greylists, or whose greylist has decayed, need not hold. No storage reads
   * as every cell zero, exactly as zeroed storage would.
   */
  private storage: BloomStorage | undefined;
  /** False only when every cell is zero (true may also mean zero cells after `rem`). */
  private used = false;

  constructor(options: CountingBloomFilterOptions<T>) {
    checkInteger('indexBits', options.indexBits, 1, BLOOM_MAX_INDEX_BITS);
    checkInteger('hashes', options.hashes, 1, 1024);
    this.hash = options.hash;
    this.hashes = options.hashes;
    this.indexBits = options.indexBits;
    this.cellCount = 2 ** options.indexBits;
    this.byteLength = (this.cellCount * BLOOM_COUNTDOWN_BITS + 7) >>> 3;
  }

  /** Bytes of cell storage held now: 0 until the first `add` and again once the filter is empty. */
  get allocatedBytes(): number {
    return this.storage?.padded.byteLength ?? 0;
  }

  private cells(): BloomStorage {
    if (this.storage === undefined) {
      const buffer = new ArrayBuffer(Math.ceil(this.byteLength / 4) * 4);
      this.storage = {
        padded: new Uint8Array(buffer),
        filter: new Uint8Array(buffer, 0, this.byteLength),
        words: new Uint32Array(buffer),
      };
    }
    return this.storage;
  }

  private digest(x: T): Uint8Array {
    const h = this.hash(x);
    if (h.length * 8 < this.hashes * this.indexBits) {
      throw new AclError(
        'BLOOM_DIGEST_TOO_SHORT',
        `the hash gave ${h.length * 8} bits, the filter reads ${this.hashes * this.indexBits}`,
      );
    }
    return h;
  }

  /** The cell indexes of x, in hash order (duplicates kept, as Octez visits them). */
  cellsOf(x: T): number[] {
    const h = this.digest(x);
    const out: number[] = [];
    for (let i = 0; i < this.hashes; i++) out.push(peek(h, this.indexBits * i, this.indexBits));
    return out;
  }

  /** Value of cell j (0..15). */
  cell(j: number): number {
    if (!Number.isInteger(j) || j < 0 || j >= this.cellCount)
      throw new RangeError(`cell index ${j} outside [0, ${this.cellCount})`);
    const filter = this.storage?.filter;
    return filter === undefined ? 0 : (filter[j >>> 1]! >>> ((j & 1) << 2)) & 0x0f;
  }

  private static poke(filter: Uint8Array, j: number, v: number): void {
    const byte = j >>> 1;
    const shift = (j & 1) << 2;
    filter[byte] = (filter[byte]! & ~(0x0f << shift)) | (v << shift);
  }

  add(x: T): void {
    const h = this.digest(x);
    const filter = this.cells().filter;
    this.used = true;
    for (let i = 0; i < this.hashes; i++)
      CountingBloomFilter.poke(filter, peek(h, this.indexBits * i, this.indexBits), BLOOM_MAX_COUNT);
  }

  /** `mem` for cell indexes already computed with `cellsOf` (they depend on x only). */
  memCells(cells: readonly number[]): boolean {
    const filter = this.storage?.filter;
    if (filter === undefined) return cells.length === 0;
    for (const j of cells) if (((filter[j >>> 1]! >>> ((j & 1) << 2)) & 0x0f) === 0) return false;
    return true;
  }

  mem(x: T): boolean {
    const h = this.digest(x);
    const filter = this.storage?.filter;
    if (filter === undefined) return this.hashes === 0;
    for (let i = 0; i < this.hashes; i++) {
      const j = peek(h, this.indexBits * i, this.indexBits);
      if (((filter[j >>> 1]! >>> ((j & 1) << 2)) & 0x0f) === 0) return false;
    }
    return true;
  }

  rem(x: T): void {
    const h = this.digest(x);
    // Without storage every cell is already zero.
    const filter = this.storage?.filter;
    if (filter === undefined) return;
    for (let i = 0; i < this.hashes; i++)
      CountingBloomFilter.poke(filter, peek(h, this.indexBits * i, this.indexBits), 0);
  }

  /**
   * True when no cell is set, so nothing is a member: holders of parsed addresses can skip hashing
   * theirs. Exact after construction, `clear` and `countdown`; after a `rem` it may stay false.
   */
  get empty(): boolean {
    return !this.used;
  }

  /** Decrement every non-zero cell: one tick of the greylist's decay. */
  countdown(): void {
    if (!this.used || this.storage === undefined) return;
    const { words, padded: bytes } = this.storage;
    let left = 0;
    for (let k = 0; k < words.length; k++) {
      if (words[k] === 0) continue;
      const b = k << 2;
      bytes[b] = COUNTDOWN_TABLE[bytes[b]!]!;
      bytes[b + 1] = COUNTDOWN_TABLE[bytes[b + 1]!]!;
      bytes[b + 2] = COUNTDOWN_TABLE[bytes[b + 2]!]!;
      bytes[b + 3] = COUNTDOWN_TABLE[bytes[b + 3]!]!;
      left |= words[k]!;
    }
    this.used = left !== 0;
    if (!this.used) this.storage = undefined;
  }

  clear(): void {
    this.storage = undefined;
    this.used = false;
  }

  /** A copy of the filter bytes in Octez's layout. */
  toBytes(): Uint8Array {
    return this.storage?.filter.slice() ?? new Uint8Array(this.byteLength);
  }
}
