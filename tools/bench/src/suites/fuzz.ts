import { TARGET_NAMES, type TargetOutcome, runInWorkers } from '@tezos-p2p/fuzz';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';

/**
 * Every fuzz target of tools/fuzz for a million cases (FUZZ_CASES), spread over two worker threads,
 * then its allocation probe: cases per target, cases per second, findings (target 0), and the largest
 * allocation the probe measured against its budget. The seed (FUZZ_SEED, random by default) is noted
 * so any finding replays.
 */

export interface FuzzRunOptions {
  readonly cases: number;
  readonly seed: number;
  readonly allocationCases: number;
  readonly targets?: readonly string[] | undefined;
  readonly workers?: number | undefined;
}

const MIN_CASES = 1_000_000;
/** Targets scheduled first (the slowest per case). */
const SLOW = ['connection.handshake', 'encoding.composite'];

function figuresOf(o: TargetOutcome, cases: number): Figure[] {
  const t = o.target;
  const figures: Figure[] = [];
  const findings = (o.run?.findingCount ?? 0) + (o.allocation?.findingCount ?? 0) + (o.error !== undefined ? 1 : 0);
  figures.push({
    name: `${t}: cases`,
    value: o.run?.cases ?? 0,
    unit: 'cases',
    target: {
      min: Math.min(MIN_CASES, cases),
      on: 'value',
      description: `≥ ${Math.min(MIN_CASES, cases).toLocaleString('en')}`,
    },
  });
  figures.push({ name: `${t}: rate`, value: o.run?.casesPerSecond ?? 0, unit: 'cases/s' });
  figures.push({
    name: `${t}: findings`,
    value: findings,
    unit: 'findings',
    target: { max: 0, on: 'value', description: 'none' },
  });
  if (o.allocation !== undefined) {
    figures.push({
      name: `${t}: worst allocation of ${o.allocation.cases} huge-length inputs`,
      value: Math.max(0, o.allocation.worstBytes),
      unit: 'B',
      baseline: { name: 'budget for that input', value: o.allocation.worstBudget },
      target: { max: 1, description: 'within budget' },
    });
  }
  return figures;
}

function notesOf(outcomes: readonly TargetOutcome[], opts: FuzzRunOptions, seconds: number): string[] {
  const notes = [
    `${outcomes.length} targets × ${opts.cases.toLocaleString('en')} cases, seed ${opts.seed} (replay a case: runTarget(targetByName(name), { seed, from: index, cases: 1 }) in @tezos-p2p/fuzz; FUZZ_SEED / FUZZ_CASES set them), ${seconds.toFixed(0)} s on ${opts.workers ?? 2} worker threads.`,
    'A finding is any throw other than a lib typed error with a stable code, a broken oracle (round trip, agreement between entry points, the outcome of an intact handshake), a hang, a leaked timer or listener, or an allocation beyond the probe budget (1 MiB + 64 B per input byte + documented preallocations).',
  ];
  for (const o of outcomes) {
    if (o.error !== undefined) notes.push(`${o.target}: ${o.error.split('\n')[0]}`);
    for (const f of [...(o.run?.findings ?? []), ...(o.allocation?.findings ?? [])].slice(0, 5)) {
      notes.push(
        `${f.target} finding (seed ${f.seed}, ${f.claims ? 'allocation-probe case' : 'case'} ${f.index}): ${f.reason} — input ${f.input.slice(0, 200)}`,
      );
    }
  }
  const handshake = outcomes.find((o) => o.target === 'connection.handshake')?.run;
  if (handshake !== undefined)
    notes.push(
      `connection.handshake outcomes: ${Object.entries(handshake.outcomes)
        .map(([k, n]) => `${k.replace('ConnectionError:', '')} ${n}`)
        .join(', ')}.`,
    );
  return notes;
}

export async function runFuzz(opts: FuzzRunOptions): Promise<{ figures: Figure[]; notes: string[] }> {
  const started = process.hrtime.bigint();
  const targets = opts.targets ?? TARGET_NAMES;
  // Longest first: the handshake takes about a third of the CPU time, and started last it would run
  // alone on one worker while the other sits idle.
  const slowFirst = [...targets.filter((t) => SLOW.includes(t)), ...targets.filter((t) => !SLOW.includes(t))];
  const done = await runInWorkers({
    targets: slowFirst,
    cases: opts.cases,
    seed: opts.seed,
    workers: opts.workers,
    allocationCases: opts.allocationCases,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const outcomes = targets.map((t) => done.find((o) => o.target === t)!);
  const figures = outcomes.flatMap((o) => figuresOf(o, opts.cases));
  figures.push({ name: 'all targets: wall time', value: seconds, unit: 's' });
  return { figures, notes: notesOf(outcomes, opts, seconds) };
}

export const fuzzSuite: Suite = {
  name: 'fuzz',
  title: 'Fuzzing: every decoder and the handshake, 1,000,000 cases per target',
  run() {
    const cases = Number(process.env['FUZZ_CASES'] ?? MIN_CASES);
    const seed = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    return runFuzz({ cases, seed, allocationCases: 20_000, workers: 2 });
  },
};
