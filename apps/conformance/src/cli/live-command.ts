import { runLiveSuite, type LiveOptions } from '../live/live-suite.js';
import { reportFailed } from '../replay.js';
import { renderDetails, renderTable, summary } from '../report.js';

/** The live part of the suite against `--target`; same table and exit status as the transcripts. */
export async function liveCommand(
  o: LiveOptions & { json?: string; verbose?: boolean },
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  const reports = await runLiveSuite(o);
  const s = summary(reports);
  out.write(`${renderTable(reports, out.isTTY ?? false)}\n`);
  const details = renderDetails(reports, o.verbose ?? false);
  if (details) out.write(`${details}\n`);
  out.write(`live against ${o.target}: ${s.passed} checks passed, ${s.failed} failed, ${s.skipped} not applicable\n`);
  if (o.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(o.json, JSON.stringify({ target: o.target, summary: s, cases: reports }, null, 2) + '\n');
  }
  return reports.some(reportFailed) ? 1 : 0;
}
