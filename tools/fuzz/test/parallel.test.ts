import { describe, expect, it } from 'vitest';
import { runInWorkers } from '../src/index.js';

/** The bench's driver: worker threads running the compiled targets (`nx test` builds first). */
describe('runInWorkers', () => {
  it('runs each target in a worker and returns its run and allocation probe, in the order asked', async () => {
    const done: string[] = [];
    const out = await runInWorkers({ targets: ['wire.metadata', 'shell.b58', 'encoding.frameReader'], cases: 300, seed: 7, workers: 2, allocationCases: 50, onTargetDone: (o) => done.push(o.target) });
    expect(out.map((o) => o.target)).toEqual(['wire.metadata', 'shell.b58', 'encoding.frameReader']);
    expect(done.sort()).toEqual(['encoding.frameReader', 'shell.b58', 'wire.metadata']);
    for (const o of out) {
      expect(o.error).toBeUndefined();
      expect(o.run).toMatchObject({ cases: 300, findingCount: 0, seed: 7 });
    }
    expect(out[0]!.allocation).toMatchObject({ cases: 50, findingCount: 0 });
    expect(out[1]!.allocation).toBeUndefined(); // text parser: no length prefixes to probe
  });

  it('a target that cannot be built is reported, not thrown', async () => {
    const [o] = await runInWorkers({ targets: ['no.such.target'], cases: 10, workers: 1 });
    expect(o!.error).toMatch(/unknown fuzz target no\.such\.target/);
  });
});
