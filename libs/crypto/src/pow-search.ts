import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName, CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';
import { incrementNonceInPlace } from './nonce.js';
import { createLane } from './pow-lane.js';
import { expectedAttempts, makePowTarget, targetToBytesLE } from './pow.js';
import type { WorkerInput, WorkerMessage } from './pow-worker.js';
import { getCryptoBackend } from './select-backend.js';

export interface PowProgress {
  /** Stamps hashed so far over all workers. */
  readonly attempts: number;
  /** Hashes per second since the start. */
  readonly rate: number;
  /** Average number of attempts for this difficulty. */
  readonly expectedAttempts: number;
  /** Estimated seconds left: (expected − done) / rate, never negative (the search is memoryless). */
  readonly etaSeconds: number;
  readonly elapsedSeconds: number;
}

export interface PowSearchOptions {
  readonly difficulty: number;
  /** Worker threads; default every core. 0 runs the search on the calling thread. */
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PowProgress) => void;
  /** Minimum milliseconds between progress callbacks (default 250). */
  readonly progressIntervalMs?: number;
  /** First stamp; random when absent. Fixing it (with any worker count) fixes the result. */
  readonly start?: Uint8Array;
  readonly backend?: BackendName;
}

export interface PowResult {
  readonly stamp: Uint8Array;
  readonly attempts: number;
  readonly elapsedSeconds: number;
}

const REPORT_EVERY = 1 << 14;

function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  // From source (tests) the compiled worker in dist/ is used: worker threads cannot load TypeScript.
  const path = here.endsWith('.ts')
    ? fileURLToPath(new URL('../dist/pow-worker.js', import.meta.url))
    : fileURLToPath(new URL('./pow-worker.js', import.meta.url));
  if (!existsSync(path))
    throw new CryptoError(
      'POW_WORKER_FAILED',
      `proof-of-work worker script missing (${path}); build @tezos-p2p/crypto first`,
    );
  return path;
}

const SOURCE_CONDITION = '@tezos-p2p/source';

/**
 * The worker's Node options: inherited, unless the parent resolves sibling libs from source (the
 * repository's `@tezos-p2p/source` export condition, added by vitest). A compiled worker must load
 * them compiled, so that condition is dropped — and `--expose-gc`, which `new Worker` refuses in an
 * explicit list (V8 flags are process-wide anyway).
 */
function workerExecArgv(): string[] | undefined {
  const argv = process.execArgv;
  const isSource = (a: string, next: string | undefined) =>
    ((a === '--conditions' || a === '-C') && next === SOURCE_CONDITION) ||
    a === `--conditions=${SOURCE_CONDITION}` ||
    a === `-C=${SOURCE_CONDITION}`;
  if (!argv.some((a, i) => isSource(a, argv[i + 1]))) return undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if ((a === '--conditions' || a === '-C') && argv[i + 1] === SOURCE_CONDITION) i++;
    else if (!isSource(a, undefined) && a !== '--expose-gc' && a !== '--expose_gc') out.push(a);
  }
  return out;
}

function abortError(): CryptoError {
  return new CryptoError('POW_ABORTED', 'proof-of-work generation cancelled');
}

/**
 * Octez's proof-of-work search (`generate_proof_of_work`: from a start stamp, big-endian +1 until
 * Blake2b-256(pk ‖ stamp) read little-endian is ≤ the target), spread over worker threads by lanes.
 * The coordinator returns the lowest solution index, so the result depends only on `start`.
 */
export async function searchProofOfWork(publicKey: Uint8Array, opts: PowSearchOptions): Promise<PowResult> {
  const backend: CryptoBackend = getCryptoBackend(opts.backend);
  const targetLE = targetToBytesLE(makePowTarget(opts.difficulty));
  const start = opts.start ? Uint8Array.from(opts.start) : backend.randomBytes(24);
  if (start.length !== 24) throw new CryptoError('INVALID_NONCE_LENGTH', 'the start stamp must be 24 bytes');
  const lanes = Math.max(0, Math.floor(opts.workers ?? availableParallelism()));
  if (opts.signal?.aborted) throw abortError();
  const t0 = performance.now();
  const expected = expectedAttempts(opts.difficulty);
  const interval = opts.progressIntervalMs ?? 250;
  let lastReport = 0;
  const report = (attempts: number, force = false): void => {
    const now = performance.now();
    if (!opts.onProgress || (!force && now - lastReport < interval)) return;
    lastReport = now;
    const elapsed = (now - t0) / 1000;
    const rate = elapsed > 0 ? attempts / elapsed : 0;
    opts.onProgress({
      attempts,
      rate,
      expectedAttempts: expected,
      etaSeconds: rate > 0 ? Math.max(0, expected - attempts) / rate : Infinity,
      elapsedSeconds: elapsed,
    });
  };
  const stampAt = (index: number): Uint8Array => {
    const s = Uint8Array.from(start);
    incrementNonceInPlace(s, index);
    return s;
  };

  if (lanes === 0) {
    const lane = createLane({ backend: backend.name, publicKey, start, lane: 0, lanes: 1, targetLE });
    for (;;) {
      if (opts.signal?.aborted) throw abortError();
      if (lane.run(REPORT_EVERY)) break;
      report(lane.cursor.checked);
      await new Promise((r) => setImmediate(r));
    }
    report(lane.cursor.checked, true);
    return { stamp: lane.stamp(), attempts: lane.cursor.checked, elapsedSeconds: (performance.now() - t0) / 1000 };
  }

  const script = workerScript();
  const execArgv = workerExecArgv();
  return new Promise<PowResult>((resolve, reject) => {
    const checked = new Array<number>(lanes).fill(0);
    const foundStep = new Array<number | undefined>(lanes).fill(undefined);
    const workers: Worker[] = [];
    let settled = false;
    const finish = (err: Error | undefined, result?: PowResult): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = (): void => finish(abortError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const check = (): void => {
      let best = Infinity;
      foundStep.forEach((step, lane) => {
        if (step !== undefined) best = Math.min(best, lane + step * lanes);
      });
      const attempts = checked.reduce((a, b) => a + b, 0);
      if (best === Infinity) return report(attempts);
      // Done once every lane has either found or moved past `best` (no smaller index remains).
      const clear = checked.every((c, lane) => foundStep[lane] !== undefined || lane + c * lanes > best);
      if (!clear) return report(attempts);
      report(attempts, true);
      finish(undefined, { stamp: stampAt(best), attempts, elapsedSeconds: (performance.now() - t0) / 1000 });
    };

    for (let lane = 0; lane < lanes; lane++) {
      const data: WorkerInput = {
        backend: backend.name,
        publicKey,
        start,
        lane,
        lanes,
        targetLE,
        reportEvery: REPORT_EVERY,
      };
      const w = new Worker(script, execArgv === undefined ? { workerData: data } : { workerData: data, execArgv });
      workers.push(w);
      w.on('message', (m: WorkerMessage) => {
        checked[lane] = m.checked;
        if (m.type === 'found') foundStep[lane] = m.step;
        check();
      });
      w.on('error', (e) =>
        finish(new CryptoError('POW_WORKER_FAILED', `proof-of-work worker ${lane} failed: ${e.message}`, { cause: e })),
      );
      w.on('exit', (code) => {
        if (!settled && code !== 0)
          finish(new CryptoError('POW_WORKER_FAILED', `proof-of-work worker ${lane} exited with code ${code}`));
      });
    }
  });
}
