/**
 * @packageDocumentation
 * The conformance suite as a library: replay a transcript (or a file) into a report of checks, render
 * reports, and (see ./live) check a running node.
 */
export { replayTranscript, replayFile, reportFailed } from './replay.js';
export {
  CHECKS,
  CHECK_DESCRIPTIONS,
  type CheckName,
  type CheckResult,
  type TranscriptReport,
} from './checks/result.js';
export { firstDifference } from './checks/bytes.js';
export { renderTable, renderDetails, summary } from './report.js';
export { DEFAULT_TRANSCRIPTS_DIR } from './paths.js';
export { buildProgram } from './cli/program.js';
export { runLiveSuite, type LiveOptions } from './live/live-suite.js';
export { LiveError, parseTarget } from './live/probe.js';
