import { describe, expect, it } from 'vitest';
import { TARGET_NAMES, allTargets, describeFindings, probeAllocation, runTarget, targetByName } from '../src/index.js';

/**
 * The bounded run inside `npm test`: every target, a few thousand cases from a fixed seed. A failure
 * prints each finding with its seed and case index; `FUZZ_SEED=<n>` explores other seeds and
 * `FUZZ_CASES=<n>` runs longer (the bench runs a million per target).
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x7e2024);
const CASES = Number(process.env['FUZZ_CASES'] ?? 5000);
const ALLOCATION_CASES = Math.max(100, Math.floor(CASES / 10));

describe('fuzz targets', () => {
  it('TARGET_NAMES lists exactly the targets the groups build, each once', () => {
    expect(allTargets().map((t) => t.name)).toEqual(TARGET_NAMES);
    expect(new Set(TARGET_NAMES).size).toBe(TARGET_NAMES.length);
  });

  it.each(TARGET_NAMES)(`%s: ${CASES} cases, only typed errors, every oracle holds`, async (name) => {
    const target = targetByName(name);
    const r = await runTarget(target, { cases: CASES, seed: SEED });
    expect(r.findingCount, describeFindings(r)).toBe(0);
    // Inputs must get through: a target whose every case fails early fuzzes only its first check.
    expect(r.outcomes['ok'] ?? 0, `no case of ${name} decoded: ${JSON.stringify(r.outcomes)}`).toBeGreaterThan(
      CASES / 100,
    );
  });

  it.each(TARGET_NAMES.filter((n) => targetByName(n).allocation !== undefined))(
    `%s: ${ALLOCATION_CASES} inputs announcing huge lengths allocate no more than they carry`,
    async (name) => {
      const r = (await probeAllocation(targetByName(name), { cases: ALLOCATION_CASES, seed: SEED }))!;
      expect(
        r.findingCount,
        r.findings
          .map((f) => `${f.reason} (seed ${f.seed}, claims case ${f.index}): ${f.input.slice(0, 300)}`)
          .join('\n'),
      ).toBe(0);
    },
  );

  it('the handshake target reaches every outcome of the state machine', async () => {
    const r = await runTarget(targetByName('connection.handshake'), { cases: CASES, seed: SEED });
    for (const code of [
      'ok',
      'DECODING_ERROR',
      'DECIPHER_ERROR',
      'CONNECTION_CLOSED',
      'TIMEOUT',
      'CANCELED',
      'NOT_ENOUGH_PROOF_OF_WORK',
      'INVALID_AUTH',
      'MYSELF',
      'REJECTED_BY_NACK',
      'REJECTED_NO_COMMON_PROTOCOL',
    ]) {
      const n = Object.entries(r.outcomes).find(([k]) => k === code || k === `ConnectionError:${code}`)?.[1] ?? 0;
      expect(n, `${code} never reached: ${JSON.stringify(r.outcomes)}`).toBeGreaterThan(0);
    }
  });
});
