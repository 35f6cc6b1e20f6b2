#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { buildProgram } from './cli/program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

buildProgram(version)
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    const err = e as { code?: unknown; message?: unknown };
    process.stderr.write(
      `tzp2p-conformance: ${String(err.message ?? e)}${typeof err.code === 'string' ? ` [${err.code}]` : ''}\n`,
    );
    process.exitCode = 1;
  });
