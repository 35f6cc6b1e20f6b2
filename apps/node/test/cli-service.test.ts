import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ancestorsToWatch, parentWatchMode } from '../src/cli/parent-watch.js';
import { BIN, Cli } from './cli-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const UNIT = resolve(here, '..', 'systemd', 'tzp2p.service');
const root = mkdtempSync(join(tmpdir(), 'tzp2p-service-'));
const running: Cli[] = [];
const orphans: number[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  for (const c of running.splice(0)) c.kill('SIGKILL');
  for (const pid of orphans.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function until(probe: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const loopbackArgs = (dir: string) => [
  '--data-dir',
  dir,
  '--network',
  'sandbox',
  '--net-addr',
  '127.0.0.1:0',
  '--rpc-addr',
  '127.0.0.1:0',
  '--expected-pow',
  '0',
];

/** The unit's `Key=value` lines (last one wins, as systemd). */
function unitKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) keys.set(m[1]!, m[2]!);
  }
  return keys;
}

/** `args` less each of `options` and its value. */
function withoutOptions(args: readonly string[], options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (options.includes(args[i]!)) i++;
    else out.push(args[i]!);
  }
  return out;
}

describe('a service manager stops the node cleanly', () => {
  it('SIGTERM to `npx tzp2p run` (npm does not pass it on) stops the node, which saves peers.json', async () => {
    const dir = join(root, 'npx');
    const cli = new Cli(
      ['run', ...loopbackArgs(dir)],
      { TZP2P_STOP_WITH_PARENT: undefined },
      { command: ['npx', '--no', 'tzp2p'], cwd: repoRoot, detached: true },
    );
    running.push(cli);
    const started = await cli.until(() => cli.log('node started'), 'node started', 60_000);
    const nodePid = started['pid'] as number;
    orphans.push(nodePid);
    expect(nodePid).not.toBe(cli.child.pid);
    // Only npm gets the signal, as when a script or a service manager stops what it started.
    process.kill(cli.child.pid!, 'SIGTERM');
    await until(() => !alive(nodePid), `node ${nodePid} to exit after npm went away`);
    const stopping = cli.log('stopping');
    expect(String(stopping?.['reason'])).toMatch(/exited/);
    expect(cli.log('node stopped')).toBeDefined();
    expect(existsSync(join(dir, 'peers.json'))).toBe(true);
  }, 90_000);

  it('the documented systemd unit verifies, and its ExecStart stops cleanly on its KillSignal', async () => {
    const text = readFileSync(UNIT, 'utf8');
    const keys = unitKeys(text);
    const [node, bin, ...args] = keys.get('ExecStart')!.split(/\s+/);
    expect(node).toBe('/usr/bin/node');
    expect(bin).toBe('/opt/tezos-p2p-ts/apps/node/bin/tzp2p.js');
    expect(args[0]).toBe('run');
    expect(keys.get('KillSignal')).toBe('SIGTERM');
    const timeoutS = Number(keys.get('TimeoutStopSec'));
    expect(timeoutS).toBeGreaterThan(0);

    // The unit as installed here (this machine's node and this checkout), checked by systemd itself.
    const local = text
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('/opt/tezos-p2p-ts', repoRoot)
      .replace(/^User=.*$/m, 'User=root')
      .replace(/^Group=.*$/m, 'Group=root');
    const localUnit = join(root, 'tzp2p.service');
    writeFileSync(localUnit, local);
    execFileSync('systemd-analyze', ['verify', localUnit], { stdio: 'pipe' });

    // Its command line, with a scratch data directory and loopback addresses instead of the real ones.
    expect(resolve(repoRoot, 'apps/node/bin/tzp2p.js')).toBe(BIN);
    const dir = join(root, 'systemd');
    const cli = new Cli([
      ...withoutOptions(args, ['--data-dir', '--net-addr', '--rpc-addr', '--network']),
      ...loopbackArgs(dir),
    ]);
    running.push(cli);
    await cli.until(() => cli.log('node started'), 'node started');
    cli.kill('SIGTERM');
    const exit = await Promise.race([
      cli.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutS * 1000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(cli.log('node stopped')).toBeDefined();
    expect(existsSync(join(dir, 'peers.json'))).toBe(true);
  }, 60_000);
});

describe('parent watch', () => {
  it('is on when npm started us or when asked, never when told not to', () => {
    expect(parentWatchMode({})).toBe('auto');
    expect(parentWatchMode({ TZP2P_STOP_WITH_PARENT: '1' })).toBe('on');
    expect(parentWatchMode({ TZP2P_STOP_WITH_PARENT: 'off' })).toBe('off');
  });

  it('watches the chain of processes up to npm, and only the parent otherwise', () => {
    const procs: Record<number, { ppid: number; comm: string }> = {
      30: { ppid: 20, comm: 'sh' },
      20: { ppid: 10, comm: 'npm exec tzp2p' },
      10: { ppid: 1, comm: 'bash' },
    };
    expect(ancestorsToWatch(true, 30, (pid) => procs[pid])).toEqual([30, 20]);
    expect(ancestorsToWatch(false, 30, (pid) => procs[pid])).toEqual([30]);
    // No npm above us (or no /proc): only the direct parent.
    expect(ancestorsToWatch(true, 10, (pid) => procs[pid])).toEqual([10]);
    expect(ancestorsToWatch(true, 30, () => undefined)).toEqual([30]);
  });
});
