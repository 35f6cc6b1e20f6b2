/**
 * Measurement helpers. Figures are medians of several timed samples after a warm-up, and every
 * suite measures its baseline in the same process, minutes apart at most, so the ratio survives a
 * noisy shared machine better than any absolute number.
 */

export interface Rate {
  /** Operations per second (median of the samples). */
  readonly opsPerSec: number;
  readonly samples: number;
}

export interface MeasureOptions {
  /** Milliseconds per sample. */
  readonly sampleMs?: number;
  readonly samples?: number;
  readonly warmupMs?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Call `op` repeatedly; each call may perform `batch` operations. */
export function measureSync(op: () => void, opts: MeasureOptions = {}, batch = 1): Rate {
  const sampleNs = BigInt(Math.round((opts.sampleMs ?? 400) * 1e6));
  const warmupEnd = process.hrtime.bigint() + BigInt(Math.round((opts.warmupMs ?? 200) * 1e6));
  while (process.hrtime.bigint() < warmupEnd) op();
  const rates: number[] = [];
  for (let s = 0; s < (opts.samples ?? 5); s++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let now = start;
    while (now - start < sampleNs) {
      op();
      n += batch;
      now = process.hrtime.bigint();
    }
    rates.push(n / (Number(now - start) / 1e9));
  }
  return { opsPerSec: median(rates), samples: rates.length };
}

/** Same as `measureSync` for asynchronous operations (awaited one after another). */
export async function measureAsync(op: () => Promise<void>, opts: MeasureOptions = {}, batch = 1): Promise<Rate> {
  const sampleNs = BigInt(Math.round((opts.sampleMs ?? 400) * 1e6));
  const warmupEnd = process.hrtime.bigint() + BigInt(Math.round((opts.warmupMs ?? 200) * 1e6));
  while (process.hrtime.bigint() < warmupEnd) await op();
  const rates: number[] = [];
  for (let s = 0; s < (opts.samples ?? 5); s++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let now = start;
    while (now - start < sampleNs) {
      await op();
      n += batch;
      now = process.hrtime.bigint();
    }
    rates.push(n / (Number(now - start) / 1e9));
  }
  return { opsPerSec: median(rates), samples: rates.length };
}

/** Percentile (0–100) of a list of numbers. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

/** Keeps values alive so the optimiser cannot drop benchmarked work. */
export let sink: unknown;
export function consume(v: unknown): void {
  sink = v;
}

export interface HandshakeRate {
  readonly perSec: number;
  /** CPU time of the whole process (both ends: sender thread and receiver worker) per handshake. */
  readonly cpuMicrosEach: number;
}

/** Run `inFlight` lanes, each calling `once(lane)` back to back, for `seconds`. */
export async function countHandshakes(
  seconds: number,
  inFlight: number,
  once: (lane: number) => Promise<void>,
): Promise<HandshakeRate> {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async (index: number) => {
    while (performance.now() < end) {
      await once(index);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSec: done / elapsed, cpuMicrosEach: (cpu.user + cpu.system) / done };
}
