import { cpus, totalmem } from 'node:os';

/** One measured figure, optionally compared with a baseline from the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /**
   * Acceptable range of `value / baseline` (or of the value itself when there is no baseline, or when
   * `on` is 'value': an absolute target shown beside a baseline for context).
   */
  readonly target?: {
    readonly min?: number;
    readonly max?: number;
    readonly on?: 'value' | 'ratio';
    readonly description: string;
  };
}

export interface SuiteResult {
  readonly suite: string;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly notes?: readonly string[];
  readonly ranAt: string;
  readonly machine: string;
}

export function machineDescription(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function ratio(f: Figure): number | undefined {
  return f.baseline ? f.value / f.baseline.value : undefined;
}

/** Whether a figure meets its target; `undefined` when it has none. */
export function meetsTarget(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  const x = f.target.on === 'value' ? f.value : (ratio(f) ?? f.value);
  return (f.target.min === undefined || x >= f.target.min) && (f.target.max === undefined || x <= f.target.max);
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  if (a >= 100) return n.toFixed(0);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

function cells(f: Figure): string[] {
  const r = ratio(f);
  const ok = meetsTarget(f);
  return [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '—',
    r === undefined ? '—' : `${(r * 100).toFixed(1)} %`,
    f.target ? `${f.target.description}: ${ok ? 'met' : 'NOT MET'}` : '',
  ];
}

const HEAD = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];

/** A plain-text table for the terminal. */
export function textTable(result: SuiteResult): string {
  const rows = [HEAD, ...result.figures.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `== ${result.title} ==`,
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ];
  for (const n of result.notes ?? []) out.push(`note: ${n}`);
  return out.join('\n');
}

export function markdownSection(result: SuiteResult): string {
  const rows = result.figures.map(cells);
  const md = [
    `## ${result.title} (\`npm run bench -- ${result.suite}\`)`,
    '',
    `Measured ${result.ranAt} on ${result.machine}.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  if (result.notes?.length) md.push('', ...result.notes.map((n) => `- ${n}`));
  return md.join('\n');
}
