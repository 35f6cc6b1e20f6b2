import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Tezt, TzNode, freePort, sleep } from './octez-tezt-a.js';

// Ports of Octez v25.1 tezt/tests/p2p.ml (first half), each named with its Octez title. Every node is a
// `tzp2p run` process on 127.0.0.1 with its own data directory; where tezt uses octez-client or an RPC,
// these use the `/network` RPC; where tezt patches config.json, these write one.

let tezt: Tezt;
afterEach(() => tezt?.cleanup());
const fresh = () => (tezt = new Tezt());

const DISABLE_PEER_DISCOVERY = { p2p: { disable_peer_discovery: true } };

/** Octez's `Node.send_raw_data`: connect from 127.0.0.1, write the bytes, close. */
async function sendRawData(port: number, data: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.end(data));
    s.on('error', reject);
    s.on('close', () => resolve());
    s.resume();
  });
}

/** Polls `probe` every 200 ms until it returns a value, for at most `ms`. */
async function poll<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const ids = (conns: readonly { peer_id: string }[]) => conns.map((c) => c.peer_id);

describe('Octez tezt/tests/p2p.ml (part a)', () => {
  it('check ip greylisting: garbage on the welcome socket greylists 127.0.0.1, and connecting to an address there is refused as banned', async () => {
    fresh();
    const target = await (await tezt.node('target')).run();
    const node = await (await tezt.node('node')).run();
    await sendRawData(target.port, Buffer.from('\u0000\u000aHello, world. This is garbage, greylist me !', 'latin1'));

    // Octez reads the list once after the write; the welcome worker handles it asynchronously, so wait for it to be non-empty.
    const listing = await poll(async () => {
      const j = await target.get<{ ips: string[] }>('/network/greylist/ips');
      return j.ips.length > 0 ? j : undefined;
    }, 'a greylisted IP');
    expect(listing.ips).toHaveLength(1);
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1']).toContain(listing.ips[0]);

    // octez-admin-client connect address: PUT /network/points/<point>, answered with Point_banned.
    const r = await target.rpc<{ id: string; point: string }[]>('PUT', `/network/points/${node.point}`, {});
    expect(r.status).toBe(500);
    expect(r.json?.[0]?.id).toBe('node.p2p_pool.point_banned');
    expect(r.json?.[0]?.point).toBe(node.point);
    expect(ids(await target.connections())).not.toContain(node.peerId);
  }, 60_000);

  for (const [title, args] of [
    ['check peer option', []],
    ['check --connection=1 option', ['--connections', '1']],
  ] as const) {
    it(`${title}: a node given --peer addr:port#peer_id connects to that peer, its identity checked`, async () => {
      fresh();
      const node1 = await (await tezt.node('node1')).run();
      const node2 = await tezt.node('node2', { args });
      await node2.run(['--peer', `${node1.point}#${node1.peerId}`]);
      // authenticate_status_peer_id_correct: the connection to the point carries the expected peer id.
      await node2.waitConnections((c) => ids(c).includes(node1.peerId), 'connection to node1');
      const point = await node2.get<{
        expected_peer_id?: string;
        trusted: boolean;
        state: { event_kind: string; p2p_peer_id?: string };
      }>(`/network/points/${node1.point}`);
      expect(point.expected_peer_id).toBe(node1.peerId);
      expect(point.trusted).toBe(true);
      expect(point.state).toEqual({ event_kind: 'running', p2p_peer_id: node1.peerId });
      expect(ids(await node1.connections())).toContain(node2.peerId);
    }, 60_000);
  }

  it('p2p-maintenance-disabled: with --disable-p2p-maintenance no maintenance step ever starts, while the same node without it runs two', async () => {
    fresh();
    const idle = 5;
    const config = { p2p: { limits: { 'maintenance-idle-time': idle } } };
    const target = await (await tezt.node('target-node', { args: ['--connections', '2'] })).run();
    const disabled = await tezt.node('no-maintenance-node', {
      args: ['--connections', '1', '--peer', target.point],
      config,
    });
    await disabled.run(['--disable-p2p-maintenance']);
    const enabled = await tezt.node('with-maintenance-node', {
      args: ['--connections', '1', '--peer', target.point],
      config,
    });
    await enabled.run();

    let i = await enabled.waitLog(TzNode.report('maintenance_started'), 'first maintenance_started');
    i = await enabled.waitLog(TzNode.report('maintenance_ended'), 'first maintenance_ended', i);
    await enabled.waitConnections((c) => ids(c).includes(target.peerId), 'connection to the target');

    // Restart the target: the enabled node's maintenance runs again.
    const restartAt = enabled.logs.length;
    await target.terminate();
    i = await enabled.waitLog(
      TzNode.report('maintenance_started'),
      'second maintenance_started',
      Math.max(i + 1, restartAt),
    );
    await target.run();
    await enabled.waitLog(TzNode.report('maintenance_ended'), 'second maintenance_ended', i);

    // Twice the idle time: the disabled node's timer would have fired twice.
    await sleep(2 * idle * 1000);
    expect(disabled.logs.filter(TzNode.report('maintenance_started'))).toEqual([]);
    expect(disabled.logs.filter(TzNode.report('maintenance_ended'))).toEqual([]);
    expect(await disabled.connections()).toEqual([]);
  }, 60_000);

  it('p2p-maintenance-init-expected_connections: connected to a clique, the maintenance brings --connections 6 to between its targets (5..7)', async () => {
    fresh();
    const expected = 6;
    const minConnections = expected / 2;
    const maxConnections = (3 * expected) / 2;
    const stepMin = Math.floor((expected - minConnections) / 3);
    const stepMax = Math.floor((maxConnections - expected) / 3);
    const minTarget = minConnections + 2 * stepMin;
    const maxTarget = maxConnections - 2 * stepMax;

    const target = await (await tezt.node('target', { args: ['--connections', String(expected)] })).run();
    // Cluster.create max_connections [Connections (max_connections - 1)], Cluster.clique, Cluster.start ~public:true.
    const ports = await Promise.all(Array.from({ length: maxConnections }, () => freePort()));
    const cluster = await Promise.all(
      ports.map((port, k) =>
        tezt.node(`cluster${k}`, {
          port,
          args: [
            '--connections',
            String(maxConnections - 1),
            ...ports.filter((p) => p !== port).flatMap((p) => ['--peer', `127.0.0.1:${p}`]),
          ],
        }),
      ),
    );
    await Promise.all(cluster.map((n) => n.run()));

    const from = target.logs.length;
    const r = await target.rpc('PUT', `/network/points/${cluster[0]!.point}`, {});
    expect(r.status, r.text).toBe(200);
    await target.waitConnections((c) => c.length >= minTarget, `at least ${minTarget} connections`, 45_000);
    // What the maintenance brought the node to is the count its `maintenance_ended` reports. Octez reads
    // the count afterwards instead, which races with cluster nodes that dial the target on their own
    // (8 connections is inside the thresholds, so no later maintenance step trims it): on a loaded
    // machine that read saw 8.
    const ended = await target.waitLog(
      (l) => TzNode.report('maintenance_ended')(l) && (l['connections'] as number) >= minTarget,
      `maintenance_ended with at least ${minTarget} connections`,
      from,
      45_000,
    );
    expect(target.logs[ended]!['connections']).toBeLessThanOrEqual(maxTarget);
  }, 90_000);

  /**
   * Octez's `test_swap_raw`: 1b-1a-swaper-2a-2b, the four outer nodes without maintenance, every node
   * without peer discovery. The swaper (--connections 2) proposes 2a to 1a or 1a to 2a; afterwards it
   * is 1b-swaper-1a-2a-2b or 1b-1a-2a-swaper-2b. With `disableSwap`, the outer nodes get
   * --disable-p2p-swap and the returned promise checks they answer no request.
   */
  async function swapRaw(
    prefix: string,
    disableSwap: boolean,
  ): Promise<{ nodes: TzNode[]; requested?: TzNode; swaper: TzNode; outer: TzNode[] }> {
    const params = ['--disable-p2p-maintenance', ...(disableSwap ? ['--disable-p2p-swap'] : [])];
    const mk = (name: string) => tezt.node(prefix + name, { args: params, config: DISABLE_PEER_DISCOVERY });
    const [n1a, n1b, n2a, n2b] = await Promise.all([mk('1a'), mk('1b'), mk('2a'), mk('2b')]);
    await Promise.all([n1b, n1a, n2a, n2b].map((n) => n.run()));
    for (const [a, b] of [
      [n1a, n1b],
      [n2a, n2b],
    ] as const) {
      const r = await a.rpc('PUT', `/network/points/${b.point}`, {});
      expect(r.status, r.text).toBe(200);
    }
    const swaper = await tezt.node(`${prefix}swaper`, {
      args: ['--connections', '2', '--peer', n1a.point, '--peer', n2a.point],
      config: DISABLE_PEER_DISCOVERY,
    });
    await swaper.run();
    const nodes = [n1a, n1b, n2a, n2b, swaper];
    const byId = (id: unknown) => nodes.find((n) => n.peerId === id);

    // swap_request_received on 1a or 2a, from the swaper.
    const requested = await Promise.race(
      [n1a, n2a].map(
        async (n) => (
          await n.waitLog(TzNode.event('swap_request_received', swaper.peerId), 'swap_request_received'),
          n
        ),
      ),
    );
    if (disableSwap) return { nodes, requested, swaper, outer: [n1a, n1b, n2a, n2b] };

    const ack = swaper.logs[await swaper.waitLog(TzNode.event('swap_ack_received'), 'swap_ack_received')]!;
    expect(byId(ack['source'])?.name).toBe(requested.name);
    const succeeded = await Promise.race(
      [n1a, n2a].map(async (n) => (await n.waitLog(TzNode.event('swap_success'), 'swap_success'), n)),
    );
    await swaper.waitLog(TzNode.event('swap_success'), 'swap_success');
    expect(succeeded.name).toBe(requested.name);

    const [swaperExpected, requestedExpected] =
      requested === n1a
        ? [
            [n1a, n1b],
            [swaper, n2a],
          ]
        : [
            [n2a, n2b],
            [swaper, n1a],
          ];
    // check_conns: the expected peers are among the connections (waited for: the swap's connections are being set up).
    for (const [node, expected] of [
      [swaper, swaperExpected],
      [requested, requestedExpected],
    ] as const) {
      await node.waitConnections(
        (c) => expected.every((e) => ids(c).includes(e.peerId)),
        `${node.name} connected to ${expected.map((e) => e.name).join(', ')}`,
      );
    }
    return { nodes, requested, swaper, outer: [n1a, n1b, n2a, n2b] };
  }

  it('p2p-swap: a node proposing a swap trades one neighbour for the neighbour of another (1b-1a-swaper-2a-2b)', async () => {
    fresh();
    const { nodes } = await swapRaw('', false);
    for (const n of nodes) await n.terminate();
  }, 60_000);

  it('p2p-swap-disable: nodes with --disable-p2p-swap neither answer swap requests nor send any', async () => {
    fresh();
    const start = Date.now();
    const first = await swapRaw('', false);
    for (const n of first.nodes) await n.terminate();
    const swapRawDuration = Date.now() - start;

    // Nodes with the swap disabled receive the swaper's request and send no ack.
    const second = await swapRaw('disable.', true);

    // A node with the swap disabled and two neighbours (in bounds, so its maintenance would propose a swap) sends none.
    const node1 = await (await tezt.node('node1', { args: ['--disable-p2p-maintenance'] })).run();
    const node2 = await (await tezt.node('node2', { args: ['--disable-p2p-maintenance'] })).run();
    const center = await tezt.node('center', {
      args: ['--disable-p2p-swap', '--connections', '2', '--peer', node1.point, '--peer', node2.point],
    });
    await center.run();
    await center.waitConnections(
      (c) => ids(c).includes(node1.peerId) && ids(c).includes(node2.peerId),
      'center connected to node1 and node2',
    );
    await center.waitLog(TzNode.report('maintenance_ended'), 'maintenance_ended');

    // Octez waits 10 s plus the duration of a swap that happens.
    await sleep(10_000 + swapRawDuration);
    expect(second.swaper.logs.filter(TzNode.event('swap_ack_received'))).toEqual([]);
    expect(second.swaper.logs.filter(TzNode.event('swap_success'))).toEqual([]);
    for (const n of second.outer) expect(n.logs.filter(TzNode.event('swap_ack_sent')), n.name).toEqual([]);
    for (const n of [node1, node2]) expect(n.logs.filter(TzNode.event('swap_request_received')), n.name).toEqual([]);
    expect(center.logs.filter(TzNode.event('swap_request_sent'))).toEqual([]);
  }, 90_000);

  it("check --advertised-net-port=PORT option: the peer saved in peers.json has the port it advertised, not its socket's", async () => {
    fresh();
    const node1 = await (await tezt.node('node1', { args: ['--connections', '1'] })).run();
    const from = node1.logs.length;
    const advertised = await freePort();
    const node2 = await tezt.node('node2', {
      args: ['--advertised-net-port', String(advertised), '--peer', node1.point],
    });
    await node2.run();
    await node1.waitLog(TzNode.report('maintenance_ended'), 'maintenance_ended', from);
    expect(ids(await node1.connections())).toContain(node2.peerId);

    // save_metadata: terminating node1 writes its peers.json.
    await node1.terminate();
    const stopped = node1.logs[await node1.waitLog((l) => l['msg'] === 'node stopped', 'node stopped')]!;
    const saved = JSON.parse(readFileSync(stopped['peers_file'] as string, 'utf8')) as {
      peer_id: string;
      last_established_connection?: [{ addr: string; port?: number }, string];
    }[];
    expect(saved[0]?.peer_id).toBe(node2.peerId);
    expect(saved[0]?.last_established_connection?.[0].port).toBe(advertised);
    expect(advertised).not.toBe(node2.port);
  }, 60_000);
});
