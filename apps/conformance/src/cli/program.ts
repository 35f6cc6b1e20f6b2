import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_TRANSCRIPTS_DIR } from '../paths.js';
import { liveCommand } from './live-command.js';
import { runCommand } from './run-command.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function parseNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

interface RunFlags {
  transcripts: string;
  only?: string[];
  json?: string;
  verbose?: boolean;
  target?: string;
  targetRpc?: string;
  listen?: string;
  pow?: number;
  identity?: string;
  expectedPow?: number;
  chainName?: string;
  timeout?: number;
  record?: string;
}

export function buildProgram(version: string): Command {
  const program = new Command('tzp2p-conformance')
    .description('Conformance of tezos-p2p-ts with Octez: recorded transcripts and live nodes')
    .version(version)
    .showHelpAfterError();
  program
    .command('run', { isDefault: true })
    .description('replay every transcript against the libraries (exit status 1 on any failure)')
    .option('--transcripts <dir>', 'directory of .tzt transcripts', DEFAULT_TRANSCRIPTS_DIR)
    .option('--only <name>', 'only transcripts whose file name contains this (repeatable)', collect)
    .option('--json <file>', 'also write the results as JSON')
    .option('--verbose', 'print every check with its detail, and what each check means')
    .option('--target <host:port>', 'instead, run the live part of the suite against a running node')
    .option('--target-rpc <url>', 'the target’s RPC (e.g. http://127.0.0.1:8732), to ask it to connect to us')
    .option('--listen <addr:port>', 'where we accept the target’s connection (default 127.0.0.1, any port)')
    .option('--pow <bits>', 'proof of work of our throwaway identity (default 26, what Octez requires)', parseNumber)
    .option('--identity <file>', 'an identity.json to use instead of generating one')
    .option('--expected-pow <bits>', 'proof of work we require of the target (default 0)', parseNumber)
    .option('--chain-name <name>', 'chain name to announce (default: the target’s)')
    .option('--timeout <ms>', 'per step (default 10000)', parseNumber)
    .option('--record <dir>', 'write each live session as a transcript here')
    .action(async (o: RunFlags) => {
      if (o.target === undefined) {
        process.exitCode = await runCommand(o);
        return;
      }
      process.exitCode = await liveCommand({
        target: o.target,
        ...(o.targetRpc !== undefined ? { targetRpc: o.targetRpc } : {}),
        ...(o.listen !== undefined ? { listen: o.listen } : {}),
        ...(o.pow !== undefined ? { pow: o.pow } : {}),
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
        ...(o.expectedPow !== undefined ? { expectedPow: o.expectedPow } : {}),
        ...(o.chainName !== undefined ? { chainName: o.chainName } : {}),
        ...(o.timeout !== undefined ? { timeoutMs: o.timeout } : {}),
        ...(o.record !== undefined ? { record: o.record } : {}),
        ...(o.json !== undefined ? { json: o.json } : {}),
        ...(o.verbose !== undefined ? { verbose: o.verbose } : {}),
      });
    });
  return program;
}
