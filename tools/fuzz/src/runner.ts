import { generateCase } from './generate.js';
import { type Finding, type FuzzTarget, OracleViolation, errorCode, untypedReason } from './target.js';
import { realTimers } from './timers.js';

export interface RunOptions {
  readonly cases: number;
  /** Run seed (default 1): case i is `generateCase(arbitrary, seed, i)`. */
  readonly seed?: number | undefined;
  /** First case index (to resume or to replay one case: `{ from: i, cases: 1 }`). */
  readonly from?: number | undefined;
  /** Findings kept with their input (all are counted); default 20. */
  readonly keepFindings?: number | undefined;
  /**
   * Async cases only: a case still pending after this long is reported as a hang and abandoned. A
   * liveness bound, not a speed check: targets bound their own waits (see timers.ts), so a case that
   * reaches it is stuck. Default 30 s.
   */
  readonly caseTimeoutMs?: number | undefined;
  /** Called every `progressEvery` cases (default 4096) with the number done. */
  readonly onProgress?: ((done: number) => void) | undefined;
  readonly progressEvery?: number | undefined;
}

export interface RunResult {
  readonly target: string;
  readonly seed: number;
  readonly cases: number;
  /** Findings counted over the whole run (the kept list is capped). */
  readonly findingCount: number;
  readonly findings: readonly Finding[];
  readonly seconds: number;
  readonly casesPerSecond: number;
  /** How cases ended: `ok` or the typed error's `Name:CODE`, with counts (shows how deep inputs reach). */
  readonly outcomes: Readonly<Record<string, number>>;
}

const DEFAULT_CASE_TIMEOUT_MS = 30_000;

/** Settle `p`, or fail with a hang once `ms` have passed (the case itself cannot be cancelled). */
function withLiveness(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = realTimers.setTimeout(() => reject(new OracleViolation('hang', `case still pending after ${ms} ms`)), ms);
  });
  return Promise.race([p, stuck]).finally(() => realTimers.clearTimeout(timer));
}

/** The stack of a finding, from a replay of its case with stack traces on. */
async function stackOf<T>(
  runCase: (input: T) => Promise<void> | void,
  input: T,
  limit: number,
): Promise<string | undefined> {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(limit, 20);
  try {
    await runCase(input);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.stack : undefined;
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/**
 * Run `cases` generated inputs through `target`, counting findings instead of stopping at the first,
 * so a bench run reports how many of a million cases fail and a test can print every distinct reason.
 */
export async function runTarget<T>(target: FuzzTarget<T>, opts: RunOptions): Promise<RunResult> {
  const seed = opts.seed ?? 1;
  const from = opts.from ?? 0;
  const keep = opts.keepFindings ?? 20;
  const every = opts.progressEvery ?? 4096;
  const caseTimeoutMs = opts.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const runCase = (input: T): Promise<void> | void =>
    target.async ? withLiveness(Promise.resolve(target.run(input)), caseTimeoutMs) : void target.run(input);
  const findings: Finding[] = [];
  const outcomes = new Map<string, number>();
  let findingCount = 0;
  const count = (label: string) => outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
  const record = async (index: number, reason: string, input: T | undefined) => {
    findingCount++;
    count('finding');
    if (findings.length >= keep) return;
    let shown = '<not generated>';
    let stack: string | undefined;
    if (input !== undefined) {
      try {
        shown = target.show(input);
      } catch (err) {
        shown = `<show failed: ${String(err)}>`;
      }
      stack = await stackOf(runCase, input, stackLimit);
    }
    findings.push({ target: target.name, reason, input: shown, stack, seed, index });
  };

  // Stack traces cost more than most decoders (every refused input builds an error, often several
  // nested): off during the run, and rebuilt for a finding by replaying its case.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const start = process.hrtime.bigint();
  try {
    for (let i = from; i < from + opts.cases; i++) {
      let input: T;
      try {
        input = generateCase(target.arbitrary, seed, i);
      } catch (e) {
        // A value the fuzzer's own arbitraries cannot build is a fuzzer bug, reported like any finding.
        await record(i, `generator failed: ${String(e)}`, undefined);
        continue;
      }
      try {
        if (target.async) await runCase(input);
        else runCase(input);
        count('ok');
      } catch (e) {
        const reason = untypedReason(e);
        if (reason === undefined) count(errorCode(e));
        else await record(i, reason, input);
      }
      if (opts.onProgress !== undefined && (i - from + 1) % every === 0) opts.onProgress(i - from + 1);
    }
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    target: target.name,
    seed,
    cases: opts.cases,
    findingCount,
    findings,
    seconds,
    casesPerSecond: opts.cases / seconds,
    outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])),
  };
}

/** A multi-line report of a run's findings, with what is needed to replay each. */
export function describeFindings(r: RunResult): string {
  const lines = [`${r.target}: ${r.findingCount} finding(s) in ${r.cases} cases (seed ${r.seed})`];
  for (const f of r.findings) {
    lines.push(
      `  - ${f.reason}`,
      `    replay: runTarget(${JSON.stringify(f.target)}, { seed: ${f.seed}, from: ${f.index}, cases: 1 })`,
      `    input: ${f.input}`,
    );
  }
  return lines.join('\n');
}
