import { fileURLToPath } from 'node:url';

/** conformance/transcripts at the repository root (same relative path from src/ and dist/). */
export const DEFAULT_TRANSCRIPTS_DIR = fileURLToPath(new URL('../../../conformance/transcripts', import.meta.url));
