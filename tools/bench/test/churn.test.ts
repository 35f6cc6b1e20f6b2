import { describe, expect, it } from 'vitest';
import { meetsTarget } from '../src/report.js';
import { churnSuite, runChurn } from '../src/suites/churn.js';

// The suite's plumbing on a few hundred cycles, so a suite that hangs or miscounts shows up in CI (the
// 10,000-cycle run is `npm run bench -- churn`; the leak assertions proper are in
// libs/p2p/test/churn.test.ts).
describe('churn suite', () => {
  it('is registered under the name "churn"', () => {
    expect(churnSuite.name).toBe('churn');
    expect(churnSuite.title).toContain('10,000');
  });

  it('runs cycles against a node and reports rate, heap, handles and failures', async () => {
    const { figures, notes } = await runChurn({ cycles: 300, warmup: 60, lanes: 12, bareSeconds: 0.3 });
    const byName = (prefix: string) => figures.find((f) => f.name.startsWith(prefix))!;
    expect(byName('node: cycles').value).toBeGreaterThan(0);
    expect(byName('node: cycles').baseline!.value).toBeGreaterThan(0);
    expect(byName('heap used').baseline!.value).toBeGreaterThan(0);
    expect(byName('heap used').target).toMatchObject({ max: 1.1 });
    expect(byName('open handles').target).toMatchObject({ max: 1.1 });
    expect(meetsTarget(byName('failed cycles'))).toBe(true);
    expect(meetsTarget(byName('known peers'))).toBe(true);
    expect(byName('known peers').value).toBe(12);
    expect(notes.join('\n')).toContain('240 measured');
  });
});
