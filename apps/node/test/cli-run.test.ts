import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listTranscriptFiles, readTranscriptFile } from '@tezos-p2p/transcript';
import { Cli, runCli } from './cli-process.js';
import { TEST_CHAIN, loopbackNode, testHost } from './loopback-nodes.js';

const root = mkdtempSync(join(tmpdir(), 'tzp2p-cli-run-'));
const running: Cli[] = [];
afterEach(() => {
  for (const c of running.splice(0)) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

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
    ...extra,
  ]);
  running.push(cli);
  return cli;
}

async function started(cli: Cli): Promise<{ listen: string; rpc: string; peerId: string }> {
  const l = await cli.until(() => cli.log('node started'), 'node started');
  return { listen: l['listen'] as string, rpc: `http://${l['rpc'] as string}`, peerId: l['peer_id'] as string };
}

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return r.json();
}

describe('tzp2p run (subprocess)', () => {
  it('two nodes connect, the RPC shows it, SIGTERM saves peers.json', async () => {
    const a = node('a', ['--no-bootstrap-peers']);
    const sa = await started(a);
    expect(a.log('no identity found, generating one')).toBeDefined();
    const b = node('b', ['--no-bootstrap-peers', '--peer', `${sa.listen}#${sa.peerId}`, '--echo']);
    const sb = await started(b);

    // A sees B's connection through its RPC, with Octez's JSON shape.
    const conn = await a.until(() => a.logs.find((l) => l['event'] === 'connection_established'), 'connection on A');
    expect(conn['peer_id']).toBe(sb.peerId);
    const conns = (await getJson(`${sa.rpc}/network/connections`)) as {
      peer_id: string;
      incoming: boolean;
      announced_version: { chain_name: string };
    }[];
    expect(conns.map((c) => c.peer_id)).toEqual([sb.peerId]);
    expect(conns[0]!.incoming).toBe(true);
    expect(conns[0]!.announced_version.chain_name).toBe('TEZOS');
    expect(await getJson(`${sb.rpc}/network/self`)).toBe(sb.peerId);
    const peer = (await getJson(`${sb.rpc}/network/peers/${sa.peerId}`)) as { state: string; trusted: boolean };
    expect(peer.state).toBe('running');

    a.kill('SIGTERM');
    b.kill('SIGINT');
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);
    expect(a.log('node stopped')).toBeDefined();
    const peersA = JSON.parse(readFileSync(join(root, 'a', 'peers.json'), 'utf8')) as { peer_id: string }[];
    const peersB = JSON.parse(readFileSync(join(root, 'b', 'peers.json'), 'utf8')) as { peer_id: string }[];
    expect(peersA.map((p) => p.peer_id)).toContain(sb.peerId);
    expect(peersB.map((p) => p.peer_id)).toContain(sa.peerId);

    // Restarted, A keeps its identity and knows B from peers.json.
    const a2 = node('a', ['--no-bootstrap-peers']);
    const sa2 = await started(a2);
    expect(sa2.peerId).toBe(sa.peerId);
    expect(a2.log('no identity found, generating one')).toBeUndefined();
    const known = (await getJson(`${sa2.rpc}/network/peers`)) as [string, unknown][];
    expect(known.map(([id]) => id)).toContain(sb.peerId);
    a2.kill('SIGTERM');
    expect((await a2.exited).code).toBe(0);
  });

  it('--echo answers each application message with the same tag and bytes', async () => {
    const e = node('echo', [
      '--no-bootstrap-peers',
      '--echo',
      '--chain-name',
      TEST_CHAIN,
      '--record',
      join(root, 'echo-rec'),
    ]);
    const se = await started(e);
    const [ip, port] = [
      se.listen.slice(0, se.listen.lastIndexOf(':')),
      Number(se.listen.slice(se.listen.lastIndexOf(':') + 1)),
    ];
    const client = await loopbackNode(testHost(60));
    try {
      const conn = await client.connect({ ip, port });
      const payloads = [
        new Uint8Array(0),
        Uint8Array.from({ length: 70_000 }, (_, i) => i % 251),
        Uint8Array.of(1, 2, 3),
      ];
      for (const [i, payload] of payloads.entries()) await client.send(conn, { tag: 0x10 + i, payload });
      for (const [i, payload] of payloads.entries()) {
        const back = await client.recv(conn);
        expect(back.tag).toBe(0x10 + i);
        expect(Buffer.from(back.payload).equals(Buffer.from(payload))).toBe(true);
      }
    } finally {
      await client.stop();
    }
    e.kill('SIGTERM');
    expect((await e.exited).code).toBe(0);
    // --record: the session is a transcript, with the echoed messages in it. The node may also have
    // dialled its own point, learnt from the client's Advertise, and stopped at Myself: those sessions
    // are the node with itself.
    const sessions = listTranscriptFiles(join(root, 'echo-rec')).map((f) => readTranscriptFile(f));
    const withClient = sessions.filter((s) => s.session.remote?.peerId !== se.peerId);
    for (const s of sessions.filter((s) => s.session.remote?.peerId === se.peerId))
      expect(['MYSELF', 'CONNECTION_CLOSED']).toContain(s.end?.code);
    expect(withClient).toHaveLength(1);
    const t = withClient[0]!;
    expect(t.session).toMatchObject({ localRole: 'RESPONDER', chainName: TEST_CHAIN, local: { peerId: se.peerId } });
    expect(t.records.filter((r) => r.direction === 'SENT' && r.kind === 'Deactivate')).toHaveLength(1);
  });

  // Regression: `--discovery-addr :PORT` (Octez: broadcast to 255.255.255.255) stopped the node at
  // start-up, and a name was refused instead of resolved.
  it('--discovery-addr :PORT broadcasts to 255.255.255.255; a name is resolved to its IPv4 address', async () => {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const dests = async (name: string, addr: string) => {
      // The datagram announces the listening port as an int16: listen below 32768 (the last --net-addr wins).
      const listen = `127.0.0.1:${30_000 + Math.floor(Math.random() * 2_700)}`;
      const cli = node(name, [
        '--no-bootstrap-peers',
        '--net-addr',
        listen,
        '--discovery-addr',
        addr,
        '--log-level',
        'debug',
      ]);
      await started(cli);
      const sent = await cli.until(
        () => cli.logs.find((l) => l['source'] === 'discovery' && l['msg'] === 'broadcast_message'),
        'a discovery broadcast',
      );
      cli.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
      return sent['destination'];
    };
    expect(await dests('disco-any', `:${port}`)).toEqual({ address: '255.255.255.255', port });
    expect(await dests('disco-name', `localhost:${port + 1}`)).toEqual({ address: '127.0.0.1', port: port + 1 });
  });

  it('an Octez config.json: log.output sends the logs to that file, keys without effect reported once', async () => {
    const logFile = join(root, 'octez-logs', 'node.log');
    const cfg = join(root, 'octez-config.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        p2p: { 'listen-addr': '127.0.0.1:0', 'expected-proof-of-work': 0, 'bootstrap-peers': [] },
        log: { output: logFile, colors: false },
        shell: { history_mode: 'rolling' },
        network: 'sandbox',
      }),
    );
    const cli = new Cli(['run', '--data-dir', join(root, 'octez-cfg'), '--config-file', cfg]);
    running.push(cli);
    const lines = () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as { msg: string; level: number })
        : [];
    await cli.until(() => lines().find((l) => l.msg === 'node started'), 'node started, in the log file');
    expect(lines().filter((l) => l.msg.includes('without effect'))).toEqual([
      expect.objectContaining({
        msg: 'config.json keys accepted without effect: log.colors, shell.history_mode',
        level: 40,
      }),
    ]);
    expect(cli.logs).toEqual([]);
    cli.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('--metrics-addr 127.0.0.1:0 serves /metrics (its bound address in "node started"); an unbindable one stops the start-up', async () => {
    const m = node('metrics', ['--no-bootstrap-peers', '--metrics-addr', '127.0.0.1:0']);
    const l = await m.until(() => m.log('node started'), 'node started');
    const [where] = l['metrics_addrs'] as string[];
    const r = await fetch(`http://${where!}/metrics`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('# TYPE octez_p2p_connections_active gauge');
    const busy = await runCli([
      'run',
      '--data-dir',
      join(root, 'metrics-busy'),
      '--net-addr',
      '127.0.0.1:0',
      '--network',
      'sandbox',
      '--expected-pow',
      '0',
      '--no-bootstrap-peers',
      '--metrics-addr',
      where!,
    ]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      /--metrics-addr: cannot serve metrics on 127\.0\.0\.1:\d+: .*\[METRICS_LISTEN_FAILED\]/,
    );
  });

  it('bad options and config.json name the key and what was expected', async () => {
    const r1 = await runCli(['run', '--data-dir', join(root, 'bad1'), '--connections', 'many']);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/--connections: expected an integer in \[0, 100\], got "many" \[CONFIG_INVALID\]/);

    const dir = join(root, 'bad2');
    const cfg = join(root, 'bad2.json');
    writeFileSync(cfg, JSON.stringify({ p2p: { limits: { 'max-connections': 'lots' } } }));
    const r2 = await runCli(['run', '--data-dir', dir, '--config-file', cfg]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('max-connections');
    expect(r2.stderr).toContain('[CONFIG_INVALID]');

    const r3 = await runCli(['run', '--data-dir', dir, '--net-addr', '1.2.3.4:99999']);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('--net-addr');

    const r5 = await runCli(['run', '--data-dir', dir, '--expected-pow', '0', '--discovery-addr', '[::1]:10732']);
    expect(r5.code).toBe(1);
    expect(r5.stderr).toMatch(/--discovery-addr: expected an IPv4 address or a name .*\[CONFIG_INVALID\]/);

    const r4 = await runCli(['run', '--network', 'moonnet']);
    expect(r4.code).not.toBe(0);
    expect(r4.stderr).toContain('moonnet');
  });
});
