#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { buildProgram } from './cli/program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Errors of this repository carry a stable `code`; show it, never a stack, to the operator. */
function report(e: unknown): number {
  const err = e as { code?: unknown; message?: unknown };
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    process.stderr.write(`tzp2p: ${err.message} [${err.code}]\n`);
    return err.code === 'POW_ABORTED' ? 130 : 1;
  }
  process.stderr.write(`tzp2p: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}

buildProgram(version)
  .parseAsync(process.argv)
  .then(
    () => process.exit(0),
    (e: unknown) => process.exit(report(e)),
  );
