import { toHex } from '@tezos-p2p/encoding';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  type PowProgress,
  checkProofOfWork,
  getCryptoBackend,
  incrementNonce,
  searchProofOfWork,
  makePowTarget,
} from '../src/index.js';
import { powHash, targetToBytesLE, hashMeetsTarget } from '../src/pow.js';

const b = getCryptoBackend();
const pk = b.publicKey(new Uint8Array(32).fill(3));
const start = new Uint8Array(24).fill(0xfe);

/** Octez's sequential algorithm: the first stamp from `start` (big-endian +1) meeting the target. */
function sequential(difficulty: number): { stamp: Uint8Array; index: number } {
  const t = targetToBytesLE(makePowTarget(difficulty));
  for (let i = 0; ; i++) {
    const s = incrementNonce(start, i);
    if (hashMeetsTarget(powHash(b, pk, s), t)) return { stamp: s, index: i };
  }
}

describe('proof-of-work search', () => {
  it('finds exactly the sequential answer whatever the number of workers (reproducible from the start stamp)', async () => {
    const expected = sequential(12);
    for (const workers of [0, 1, 2, 3]) {
      const r = await searchProofOfWork(pk, { difficulty: 12, workers, start });
      expect(toHex(r.stamp), `workers=${workers}`).toBe(toHex(expected.stamp));
      expect(checkProofOfWork(b, pk, r.stamp, 12)).toBe(true);
      expect(r.attempts).toBeGreaterThanOrEqual(expected.index + 1);
    }
  });

  it('reports progress with a rate and an estimate of the time left', async () => {
    const seen: PowProgress[] = [];
    await searchProofOfWork(pk, {
      difficulty: 14,
      workers: 2,
      start,
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 0,
    });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1]!;
    expect(last.attempts).toBeGreaterThan(0);
    expect(last.expectedAttempts).toBe(2 ** 14);
    expect(last.rate).toBeGreaterThan(0);
    expect(last.etaSeconds).toBeGreaterThanOrEqual(0);
  });

  it('is cancelled by its AbortSignal, threads and inline alike', async () => {
    for (const workers of [2, 0]) {
      const ac = new AbortController();
      const p = searchProofOfWork(pk, { difficulty: 250, workers, signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await expect(p).rejects.toSatisfy((e: unknown) => e instanceof CryptoError && e.code === 'POW_ABORTED');
    }
    await expect(searchProofOfWork(pk, { difficulty: 8, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      CryptoError,
    );
  });
});
