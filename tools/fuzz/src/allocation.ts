import { getHeapStatistics } from 'node:v8';
import { generateCase } from './generate.js';
import { type Finding, type FuzzTarget, untypedReason } from './target.js';

/**
 * The allocation check: inputs that announce large sizes on a few bytes (`AllocationSpec.claims`)
 * must not make the target allocate the announced size. Each case is measured alone: JS heap in use
 * plus external memory (ArrayBuffers live there) right before and right after it, with no collection
 * forced in between, so whatever the case allocated — kept or already garbage — shows in the delta
 * (a collection during the case can only make it smaller, never cause a false finding).
 */

export interface AllocationOptions {
  readonly cases: number;
  readonly seed?: number | undefined;
  /** Bytes any case may allocate whatever its input (engine noise, streams, error objects); default 1 MiB. */
  readonly slackBytes?: number | undefined;
  /** Bytes a case may allocate per byte of input; default 64. */
  readonly perInputByte?: number | undefined;
  readonly keepFindings?: number | undefined;
}

export interface AllocationResult {
  readonly target: string;
  readonly cases: number;
  readonly findingCount: number;
  readonly findings: readonly Finding[];
  /** The largest delta measured, and that case's budget. */
  readonly worstBytes: number;
  readonly worstBudget: number;
}

function inUse(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

export async function probeAllocation<T>(
  target: FuzzTarget<T>,
  opts: AllocationOptions,
): Promise<AllocationResult | undefined> {
  const spec = target.allocation;
  if (spec === undefined) return undefined;
  const seed = opts.seed ?? 1;
  const slack = opts.slackBytes ?? 1 << 20;
  const perByte = opts.perInputByte ?? 64;
  const keep = opts.keepFindings ?? 10;
  const findings: Finding[] = [];
  let findingCount = 0;
  let worstBytes = 0;
  let worstBudget = 0;
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // Warm up: first calls compile code and fill lazy tables, which is not the input's doing.
    for (let i = 0; i < Math.min(200, opts.cases); i++) {
      try {
        await target.run(generateCase(spec.claims, seed ^ 0x55aa, i));
      } catch {
        // outcomes are the fuzz run's business
      }
    }
    for (let i = 0; i < opts.cases; i++) {
      const input = generateCase(spec.claims, seed, i);
      const budget = slack + perByte * spec.size(input) + (spec.allowance ?? 0);
      let reason: string | undefined;
      const before = inUse();
      try {
        await target.run(input);
      } catch (e) {
        reason = untypedReason(e);
      }
      const delta = inUse() - before;
      if (delta > worstBytes) {
        worstBytes = delta;
        worstBudget = budget;
      }
      if (delta > budget) reason = `allocation: ${delta} bytes for a ${spec.size(input)}-byte input (budget ${budget})`;
      if (reason !== undefined) {
        findingCount++;
        if (findings.length < keep)
          findings.push({ target: target.name, reason, input: target.show(input), seed, index: i, claims: true });
      }
    }
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  return { target: target.name, cases: opts.cases, findingCount, findings, worstBytes, worstBudget };
}
