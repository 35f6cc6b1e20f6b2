/**
 * A worker thread of `runInWorkers`: runs the jobs it is sent, one at a time, reporting progress so
 * the parent can tell a stuck case (a synchronous hang cannot be interrupted from inside) from a slow one.
 */
import { parentPort } from 'node:worker_threads';
import { probeAllocation } from './allocation.js';
import { runTarget } from './runner.js';
import { targetByName } from './targets/index.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.js runs as a worker thread');

function post(m: WorkerMessage): void {
  port!.postMessage(m);
}

port.on('message', (job: WorkerJob) => {
  void (async () => {
    try {
      const target = targetByName(job.target);
      post({ kind: 'progress', target: job.target, done: 0 });
      const run = await runTarget(target, {
        cases: job.cases,
        seed: job.seed,
        progressEvery: 2048,
        onProgress: (done) => post({ kind: 'progress', target: job.target, done }),
      });
      const allocation =
        job.allocationCases > 0
          ? await probeAllocation(target, { cases: job.allocationCases, seed: job.seed })
          : undefined;
      post({ kind: 'result', run, allocation });
    } catch (e) {
      post({ kind: 'error', target: job.target, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});
