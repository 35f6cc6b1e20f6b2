import { describe, expect, it } from 'vitest';
import { FakeClock } from '@tezos-p2p/events';
import { Acl } from '../src/index.js';
import { randomIps } from './helpers.js';

function falsePositiveRate(acl: Acl, added: string[], probes: string[]): number {
  for (const ip of added) acl.greylistAddr(ip);
  for (const ip of added) expect(acl.isAddrGreylisted(ip)).toBe(true); // never a false negative
  return probes.filter((ip) => acl.isAddrGreylisted(ip)).length / probes.length;
}

/** Theoretical rate (1 − e^(−k·n/m))^k for k = 5 hashes, n elements, m cells. */
function theory(n: number, cells: number): number {
  return (1 - Math.exp((-5 * n) / cells)) ** 5;
}

describe('IP greylist false positives', () => {
  const added = randomIps(1, 10_000);
  const probes = randomIps(2, 100_000, new Set(added));

  it('are negligible at the default size (2^23 cells)', () => {
    const acl = new Acl({ clock: new FakeClock() });
    expect(acl.ipFilterCells).toBe(2 ** 23);
    const rate = falsePositiveRate(acl, added, probes);
    acl.stop();
    expect(theory(10_000, 2 ** 23)).toBeLessThan(1e-10);
    expect(rate).toBeLessThan(0.001);
  });

  it('are common with a 1 kB filter (2^12 cells): it really is a Bloom filter', () => {
    const clock = new FakeClock();
    const saturated = new Acl({ clock, ipGreylistSizeInKilobytes: 1 });
    expect(saturated.ipFilterCells).toBe(4096);
    expect(falsePositiveRate(saturated, added, probes)).toBeGreaterThan(0.9); // theory: ≈ 1
    saturated.stop();

    // Moderately filled, the rate follows the textbook formula (≈ 2 % for 500 addresses).
    const moderate = new Acl({ clock, ipGreylistSizeInKilobytes: 1 });
    const rate = falsePositiveRate(moderate, added.slice(0, 500), probes);
    moderate.stop();
    const expected = theory(500, 4096);
    expect(rate).toBeGreaterThan(expected / 2);
    expect(rate).toBeLessThan(expected * 2);
  });
});
