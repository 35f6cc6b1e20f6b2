import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSCRIPT_EXTENSION, type Transcript, encodeTranscript, writeTranscriptFile } from '@tezos-p2p/transcript';

export interface ImportDifference {
  readonly name: string;
  readonly problem: 'missing' | 'different' | 'unexpected';
}

const fileOf = (dir: string, t: Transcript) => join(dir, `${t.session.name}${TRANSCRIPT_EXTENSION}`);

/**
 * What differs between `dir` and the transcripts the fixtures yield. Files made by hand or by
 * recordings may sit beside the imported ones; only names in `owned` are expected to be imports.
 */
export function compareImports(
  dir: string,
  transcripts: readonly Transcript[],
  owned: (name: string) => boolean,
): ImportDifference[] {
  const out: ImportDifference[] = [];
  const names = new Set(transcripts.map((t) => t.session.name));
  for (const t of transcripts) {
    const path = fileOf(dir, t);
    if (!existsSync(path)) out.push({ name: t.session.name, problem: 'missing' });
    else if (!Buffer.from(readFileSync(path)).equals(Buffer.from(encodeTranscript(t))))
      out.push({ name: t.session.name, problem: 'different' });
  }
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    const name = f.slice(0, -TRANSCRIPT_EXTENSION.length);
    if (f.endsWith(TRANSCRIPT_EXTENSION) && owned(name) && !names.has(name)) out.push({ name, problem: 'unexpected' });
  }
  return out;
}

/** Write every transcript, and remove imported ones the fixtures no longer yield. */
export function writeImports(
  dir: string,
  transcripts: readonly Transcript[],
  owned: (name: string) => boolean,
): string[] {
  for (const d of compareImports(dir, transcripts, owned))
    if (d.problem === 'unexpected') rmSync(join(dir, `${d.name}${TRANSCRIPT_EXTENSION}`));
  return transcripts.map((t) => {
    const path = fileOf(dir, t);
    writeTranscriptFile(path, t);
    return path;
  });
}
