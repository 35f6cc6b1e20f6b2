import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeTranscript, encodeTranscript } from './codec.js';
import { TranscriptError } from './errors.js';
import type { Transcript } from './types.js';

export const TRANSCRIPT_EXTENSION = '.tzt';

export function readTranscriptFile(path: string): Transcript {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new TranscriptError('TRANSCRIPT_IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return decodeTranscript(bytes, basename(path));
}

/**
 * Write atomically (temporary file, fsync, rename), readable by the owner only: transcripts may hold
 * session keys.
 */
export function writeTranscriptFile(path: string, t: Transcript): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, encodeTranscript(t));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    throw new TranscriptError('TRANSCRIPT_IO', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The transcript files of a directory, sorted by name. */
export function listTranscriptFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new TranscriptError('TRANSCRIPT_IO', `cannot list ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return names
    .filter((n) => n.endsWith(TRANSCRIPT_EXTENSION))
    .sort()
    .map((n) => join(dir, n));
}
