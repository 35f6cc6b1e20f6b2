import Table from 'cli-table3';
import { CHECKS, CHECK_DESCRIPTIONS, type CheckResult, type TranscriptReport } from './checks/result.js';

function cell(r: CheckResult | undefined): string {
  if (r === undefined || r.status === 'skip') return '-';
  if (r.status === 'pass') return `pass ${r.count}`;
  return r.offset !== undefined ? `FAIL @${r.offset}` : 'FAIL';
}

/** Transcript × check: `pass N`, `FAIL @offset` (first differing byte), or `-` (not applicable). */
export function renderTable(reports: readonly TranscriptReport[], color = false): string {
  const table = new Table({ head: ['transcript', ...CHECKS], style: { head: [], ...(color ? {} : { border: [] }) } });
  for (const r of reports) table.push([r.name, ...CHECKS.map((c) => cell(r.results.find((x) => x.check === c)))]);
  return table.toString();
}

/** One line per failure, and the skip reasons when asked. */
export function renderDetails(reports: readonly TranscriptReport[], verbose: boolean): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const c of r.results) {
      if (c.status === 'fail') lines.push(`FAIL ${r.name} ${c.check}: ${c.detail}`);
      else if (verbose) lines.push(`${c.status} ${r.name} ${c.check}: ${c.detail ?? ''}`);
    }
  }
  return lines.join('\n');
}

export function renderLegend(): string {
  return CHECKS.map((c) => `  ${c}: ${CHECK_DESCRIPTIONS[c]}`).join('\n');
}

export function summary(reports: readonly TranscriptReport[]): {
  transcripts: number;
  passed: number;
  failed: number;
  skipped: number;
} {
  const all = reports.flatMap((r) => r.results);
  return {
    transcripts: reports.length,
    passed: all.filter((c) => c.status === 'pass').length,
    failed: all.filter((c) => c.status === 'fail').length,
    skipped: all.filter((c) => c.status === 'skip').length,
  };
}
