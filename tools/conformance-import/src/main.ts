#!/usr/bin/env node
import { Command } from 'commander';
import { buildTranscripts, isImported } from './build.js';
import { compareImports, writeImports } from './files.js';
import { DEFAULT_TRANSCRIPTS_DIR } from './paths.js';

const program = new Command('conformance-import')
  .description('Import conformance/fixtures into conformance transcripts')
  .option('--out <dir>', 'where the transcripts go', DEFAULT_TRANSCRIPTS_DIR)
  .option('--check', 'write nothing; exit 1 if the files differ from what the fixtures yield')
  .action((o: { out: string; check?: boolean }) => {
    const transcripts = buildTranscripts();
    if (o.check) {
      const diff = compareImports(o.out, transcripts, isImported);
      for (const d of diff) process.stderr.write(`${d.name}: ${d.problem}\n`);
      process.stdout.write(diff.length === 0 ? `${transcripts.length} transcripts up to date in ${o.out}\n` : '');
      process.exitCode = diff.length === 0 ? 0 : 1;
      return;
    }
    for (const path of writeImports(o.out, transcripts, isImported)) process.stdout.write(`wrote ${path}\n`);
  });

program.parse(process.argv);
