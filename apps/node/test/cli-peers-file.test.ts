import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Cli } from './cli-process.js';

// peers.json survives a kill: `tzp2p run` writes it while running (Octez only at shutdown), and a
// restart first removes the temporary files a crash between write and rename leaves behind.

const root = mkdtempSync(join(tmpdir(), 'tzp2p-cli-peers-'));
const running: Cli[] = [];
afterEach(() => {
  for (const c of running.splice(0)) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Above Linux's largest pid (2^22): no process can hold it, so its temporary file is stale. */
const DEAD_PID = 4_194_305;

function node(name: string, extra: string[]): Cli {
  const cli = new Cli([
    'run',
    '--data-dir',
    join(root, name),
    '--net-addr',
    '127.0.0.1:0',
    '--rpc-addr',
    '127.0.0.1:0',
    '--network',
    'sandbox',
    '--expected-pow',
    '0',
    '--no-bootstrap-peers',
    ...extra,
  ]);
  running.push(cli);
  return cli;
}

async function started(cli: Cli): Promise<{ listen: string; rpc: string; peerId: string }> {
  const l = await cli.until(() => cli.log('node started'), 'node started');
  return { listen: l['listen'] as string, rpc: `http://${l['rpc'] as string}`, peerId: l['peer_id'] as string };
}

/** The peer ids in a peers.json, or none while it does not exist (it is replaced by rename: never partial). */
function savedPeers(file: string): string[] {
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { peer_id: string }[]).map((e) => e.peer_id)
    : [];
}

describe('peers.json and SIGKILL (subprocess)', () => {
  it('written while running, so a killed node restarts knowing its peers; stray temporary files are removed at start', async () => {
    const a = node('a', ['--peers-save-interval', '1']);
    const sa = await started(a);
    const b = node('b', ['--peer', `${sa.listen}#${sa.peerId}`]);
    const sb = await started(b);
    await a.until(
      () => a.logs.find((l) => l['event'] === 'connection_established' && l['peer_id'] === sb.peerId),
      'B connected to A',
    );

    // Within an interval of learning B, A's peers.json names it, with no stop to trigger a save.
    const peersFile = join(root, 'a', 'peers.json');
    await a.until(
      () => (savedPeers(peersFile).includes(sb.peerId) ? true : undefined),
      "B in A's peers.json while A runs",
    );
    a.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    expect(a.log('node stopped')).toBeUndefined();
    expect(savedPeers(peersFile)).toContain(sb.peerId);

    // A crash between write and rename leaves these behind.
    const strays = [join(root, 'a', 'peers.json.tmp'), join(root, 'a', `identity.json.tmp-${DEAD_PID}`)];
    for (const f of strays) writeFileSync(f, '{"unfinished": ');

    const a2 = node('a', ['--peers-save-interval', '1']);
    const sa2 = await started(a2);
    expect(sa2.peerId).toBe(sa.peerId);
    for (const f of strays) expect(existsSync(f), f).toBe(false);
    const known = (await (await fetch(`${sa2.rpc}/network/peers`)).json()) as [string, unknown][];
    expect(known.map(([id]) => id)).toContain(sb.peerId);
    expect(savedPeers(peersFile)).toContain(sb.peerId);
    a2.kill('SIGTERM');
    expect((await a2.exited).code).toBe(0);
  });
});
