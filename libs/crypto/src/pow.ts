import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';

/** The node's default expected proof of work (`expected-proof-of-work`). */
export const DEFAULT_POW_DIFFICULTY = 26;

/**
 * `Crypto_box.make_pow_target f` for a fractional difficulty f in [0, 256]: for an integer f this is
 * 2^(256−f) − 1, i.e. the top f bits of the little-endian hash must be zero.
 */
export function makePowTarget(difficulty: number): bigint {
  if (!(difficulty >= 0 && difficulty <= 256))
    throw new CryptoError('INVALID_DIFFICULTY', `proof-of-work difficulty must be in [0, 256], got ${difficulty}`);
  const shift = Math.trunc(difficulty);
  const frac = difficulty - shift;
  const m = frac === 0 ? (1n << 54n) - 1n : pow2As54BitDouble(frac);
  if (shift < 202) {
    const s = BigInt(202 - shift);
    return (m << s) | ((1n << s) - 1n);
  }
  return m >> BigInt(shift - 202);
}

const FIXED_BITS = 256n;
const ONE = 1n << FIXED_BITS;
let ln2Fixed: bigint | undefined;

/** ln 2 = Σ_{k≥1} 1 / (k·2^k), in 256-bit fixed point. */
function ln2(): bigint {
  if (ln2Fixed === undefined) {
    let sum = 0n;
    for (let k = 1n; k <= 300n; k++) sum += ONE / (k << k);
    ln2Fixed = sum;
  }
  return ln2Fixed;
}

/** e^x for a fixed-point |x| < 1, by its Taylor series. */
function expFixed(x: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; term !== 0n; k++) {
    term = (term * x) / (k * ONE);
    sum += term;
  }
  return sum;
}

/**
 * 2^(54 − frac) for 0 < frac < 1, rounded to the nearest double and truncated to an integer, as
 * OCaml's `Int64.of_float (2. ** (54. -. frac))` does with C's correctly rounded `pow`. V8's
 * `Math.pow` is off by one unit in the last place for some inputs (26.5 among them), hence exact
 * fixed-point arithmetic here.
 */
function pow2As54BitDouble(frac: number): bigint {
  // OCaml computes the exponent `54. -. frac` in double precision first: reproduce that rounding,
  // then take the exact (dyadic) value of the rounded exponent.
  const exponent = 54 - frac;
  let num = exponent;
  let den = 1;
  while (!Number.isInteger(num)) {
    num *= 2;
    den *= 2;
  }
  const fracFixed = ((54n * BigInt(den) - BigInt(num)) * ONE) / BigInt(den);
  const x = -((fracFixed * ln2()) >> FIXED_BITS);
  const value = (1n << 54n) * expFixed(x); // fixed point, in (2^53, 2^54)
  // Doubles in [2^53, 2^54) are the even integers: round to the nearest, ties to an even mantissa.
  const unit = 2n * ONE;
  let q = value / unit;
  const r = value - q * unit;
  if (r > ONE || (r === ONE && q % 2n === 1n)) q += 1n;
  return q * 2n;
}

/** The target as 32 little-endian bytes, for byte-wise comparison against a hash. */
export function targetToBytesLE(target: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let t = target;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

/** Is the 32-byte hash, read little-endian (`Z.of_bits`), at most the target? */
export function hashMeetsTarget(hash: Uint8Array, targetLE: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const h = hash[i]!;
    const t = targetLE[i]!;
    if (h !== t) return h < t;
  }
  return true;
}

/** Blake2b-256(public key ‖ stamp), the value compared with the target. */
export function powHash(backend: CryptoBackend, publicKey: Uint8Array, stamp: Uint8Array): Uint8Array {
  return backend.blake2b(32, [publicKey, stamp]);
}

/**
 * Targets by difficulty, as little-endian bytes: every handshake checks its peer against the same
 * configured difficulty, and deriving the target is BigInt arithmetic (a fractional difficulty takes
 * fixed-point exp/ln). A node uses one or two difficulties, so the map stays tiny; it is bounded anyway.
 */
const targetCache = new Map<number, Uint8Array>();
const TARGET_CACHE_MAX = 64;

function targetBytes(difficulty: number): Uint8Array {
  let t = targetCache.get(difficulty);
  if (t === undefined) {
    t = targetToBytesLE(makePowTarget(difficulty));
    if (targetCache.size >= TARGET_CACHE_MAX) targetCache.clear();
    targetCache.set(difficulty, t);
  }
  return t;
}

/** `Crypto_box.check_proof_of_work`. */
export function checkProofOfWork(
  backend: CryptoBackend,
  publicKey: Uint8Array,
  stamp: Uint8Array,
  difficulty: number,
): boolean {
  return hashMeetsTarget(powHash(backend, publicKey, stamp), targetBytes(difficulty));
}

/** The largest integer difficulty the stamp satisfies (the number of leading zero bits, MSB side). */
export function proofOfWorkLevel(backend: CryptoBackend, publicKey: Uint8Array, stamp: Uint8Array): number {
  const h = powHash(backend, publicKey, stamp);
  let level = 0;
  for (let i = 31; i >= 0; i--) {
    const b = h[i]!;
    if (b === 0) {
      level += 8;
      continue;
    }
    level += Math.clz32(b) - 24;
    break;
  }
  return level;
}

/** Hashes needed on average to meet a difficulty: 2^256 / (target + 1). */
export function expectedAttempts(difficulty: number): number {
  const t = makePowTarget(difficulty);
  return Number((1n << 256n) / (t + 1n));
}
