import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInWorkers, workerExecArgv } from '../src/index.js';

/** The bench's driver: worker threads running the compiled targets (`nx test` builds first). */
describe('runInWorkers', () => {
  it('runs each target in a worker and returns its run and allocation probe, in the order asked', async () => {
    const done: string[] = [];
    const out = await runInWorkers({
      targets: ['wire.metadata', 'shell.b58', 'encoding.frameReader'],
      cases: 300,
      seed: 7,
      workers: 2,
      allocationCases: 50,
      onTargetDone: (o) => done.push(o.target),
    });
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

  it('starts its workers from a process run with --expose-gc, as the bench is', () => {
    expect(workerExecArgv(['--expose-gc', '--conditions', 'x', '--max-old-space-size=512'])).toEqual([
      '--max-old-space-size=512',
    ]);
    const index = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const m = await import(${JSON.stringify(index)}); const [o] = await m.runInWorkers({ targets: ['wire.ack'], cases: 20, workers: 1 }); process.stdout.write(String(o.error ?? o.run.findingCount));`;
    // A script file, not `-e`: the worker inherits the flags, and `--input-type` would break it.
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-gc-'));
    const file = join(dir, 'run.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
    expect({ status: r.status, out: r.stdout.trim() }).toEqual({ status: 0, out: '0' });
  });
});
