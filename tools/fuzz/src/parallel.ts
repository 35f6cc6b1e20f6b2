import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AllocationResult } from './allocation.js';
import type { RunResult } from './runner.js';
import type { Finding } from './target.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';
import { realTimers } from './timers.js';

/**
 * Long runs (the bench's million cases per target) spread over worker threads, one target per worker
 * at a time. The parent only watches: a worker that reports no progress for `stallMs` is stuck in a
 * case — a synchronous loop cannot be interrupted from inside its thread — so it is terminated, its
 * target gets a hang finding naming the batch of cases it was in, and a fresh worker takes the rest.
 */

export interface ParallelOptions {
  readonly targets: readonly string[];
  readonly cases: number;
  readonly seed?: number | undefined;
  /** Default: the machine's parallelism, at most 2. */
  readonly workers?: number | undefined;
  /** Allocation-probe cases per target after its run (default 0). */
  readonly allocationCases?: number | undefined;
  /** Silence after which a worker counts as stuck; a liveness bound, default 120 s. */
  readonly stallMs?: number | undefined;
  /** One line per target finished, for a progress display. */
  readonly onTargetDone?: ((o: TargetOutcome) => void) | undefined;
}

export interface TargetOutcome {
  readonly target: string;
  readonly run?: RunResult | undefined;
  readonly allocation?: AllocationResult | undefined;
  /** The worker failed outside any case (a target that cannot be built), or got stuck. */
  readonly error?: string | undefined;
  readonly hang?: Finding | undefined;
}

const PROGRESS_EVERY = 2048;

/** The compiled worker; from the sources (vitest) too, since plain Node cannot load a .ts worker. */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../dist/worker.js', here) : new URL('./worker.js', here);
}

/**
 * The parent's flags minus `--conditions` (a test runner's would make the compiled worker load the libs'
 * sources) and minus `--expose-gc`, which `new Worker` refuses (ERR_WORKER_INVALID_EXEC_ARGV; V8 flags
 * are process-wide, so the worker has `gc` anyway) — the bench runs with it.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--conditions' || a === '-C') i++;
    else if (a === '--expose-gc' || a === '--expose_gc') continue;
    else if (!a.startsWith('--conditions=') && !(a.startsWith('-C') && a.length > 2)) out.push(a);
  }
  return out;
}

export function runInWorkers(opts: ParallelOptions): Promise<TargetOutcome[]> {
  const seed = opts.seed ?? 1;
  const stallMs = opts.stallMs ?? 120_000;
  const queue = [...opts.targets];
  const outcomes = new Map<string, TargetOutcome>();
  const count = Math.max(1, Math.min(opts.workers ?? Math.min(2, availableParallelism()), queue.length));

  return new Promise((resolve) => {
    let live = 0;
    const finish = (o: TargetOutcome) => {
      outcomes.set(o.target, o);
      opts.onTargetDone?.(o);
    };
    const allDone = () => {
      if (live === 0 && queue.length === 0) resolve(opts.targets.map((t) => outcomes.get(t)!));
    };

    /** A worker that takes targets from the queue until it is empty (or it gets stuck or dies). */
    const spawn = () => {
      live++;
      const worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
      let target: string | undefined;
      let done = 0;
      let watchdog: NodeJS.Timeout | undefined;
      let retired = false;
      const retire = () => {
        if (retired) return;
        retired = true;
        realTimers.clearTimeout(watchdog);
        worker.removeAllListeners();
        worker.on('error', () => undefined);
        void worker.terminate();
        live--;
      };
      const arm = () => {
        realTimers.clearTimeout(watchdog);
        watchdog = realTimers.setTimeout(() => {
          const t = target!;
          const hang: Finding = {
            target: t,
            reason: `hang: no progress for ${stallMs} ms within cases ${done}–${done + PROGRESS_EVERY - 1}`,
            input: '<replay that range one case at a time to find it>',
            seed,
            index: done,
          };
          finish({ target: t, hang, error: hang.reason });
          retire();
          if (queue.length > 0) spawn();
          allDone();
        }, stallMs);
      };
      const next = () => {
        target = queue.shift();
        if (target === undefined) {
          retire();
          allDone();
          return;
        }
        done = 0;
        arm();
        const job: WorkerJob = { target, cases: opts.cases, seed, allocationCases: opts.allocationCases ?? 0 };
        worker.postMessage(job);
      };
      const died = (why: string) => {
        if (target !== undefined) finish({ target, error: `worker ${why} after ${done} cases of ${target}` });
        retire();
        if (queue.length > 0) spawn();
        allDone();
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') {
          done = m.done;
          arm();
          return;
        }
        finish(
          m.kind === 'result'
            ? { target: m.run.target, run: m.run, allocation: m.allocation }
            : { target: m.target, error: m.message },
        );
        next();
      });
      worker.on('error', (e) => died(`crashed (${e.stack ?? e.message})`));
      worker.on('exit', (code) => died(`exited with code ${code}`));
      next();
    };

    for (let i = 0; i < count; i++) spawn();
  });
}
