/**
 * @packageDocumentation
 * The importer of conformance/fixtures (the recorded traffic kept in the repository) into conformance transcripts: `buildTranscripts()`
 * and the file comparison that keeps the checked-in transcripts in step with it.
 */
export { buildTranscripts, IMPORTED_PREFIXES, isImported } from './build.js';
export { compareImports, writeImports, type ImportDifference } from './files.js';
export { DEFAULT_TRANSCRIPTS_DIR } from './paths.js';
