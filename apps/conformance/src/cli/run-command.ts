import { writeFileSync } from 'node:fs';
import { listTranscriptFiles } from '@tezos-p2p/transcript';
import { replayFile, reportFailed } from '../replay.js';
import { renderDetails, renderLegend, renderTable, summary } from '../report.js';
import type { TranscriptReport } from '../checks/result.js';

export interface RunOptions {
  readonly transcripts: string;
  readonly only?: string[];
  readonly json?: string;
  readonly verbose?: boolean;
}

/** Replay every transcript; print the table; exit status 1 on any failure. */
export async function runCommand(o: RunOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const files = [...new Set([...listTranscriptFiles(o.transcripts)])].filter(
    (f) => !o.only?.length || o.only.some((n) => f.includes(n)),
  );
  if (files.length === 0) {
    process.stderr.write(
      `tzp2p-conformance: no transcript in ${o.transcripts}${o.only?.length ? ` matching ${o.only.join(', ')}` : ''}\n`,
    );
    return 1;
  }
  const reports: TranscriptReport[] = [];
  for (const f of files) reports.push(await replayFile(f));
  const s = summary(reports);
  out.write(`${renderTable(reports, out.isTTY ?? false)}\n`);
  const details = renderDetails(reports, o.verbose ?? false);
  if (details) out.write(`${details}\n`);
  if (o.verbose) out.write(`checks:\n${renderLegend()}\n`);
  out.write(
    `${s.transcripts} transcripts: ${s.passed} checks passed, ${s.failed} failed, ${s.skipped} not applicable\n`,
  );
  if (o.json) writeFileSync(o.json, JSON.stringify({ summary: s, transcripts: reports }, null, 2) + '\n');
  return reports.some(reportFailed) ? 1 : 0;
}
