import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type KnownPeer,
  type KnownPoint,
  type P2pEventLine,
  TzNode,
  freshPort,
  p2pStat,
  parseP2pStat,
  startClique,
} from './octez-tezt-b.js';

// Octez v25.1 tezt/tests/p2p.ml, second half (from `Known_Points_GC` to `Peer_discovery`), with
// `tzp2p run` processes on 127.0.0.1: the same scenarios, the same assertions, read through the
// `/network` RPC where Octez calls octez-client / octez-admin-client and through the node's debug
// log where tezt waits for a node event. Test names start with the Octez title.

const root = mkdtempSync(join(tmpdir(), 'tzp2p-octez-p2p-b-'));
const running: TzNode[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.stop()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let seq = 0;
async function create(name: string, opts: Parameters<typeof TzNode.create>[2] = {}): Promise<TzNode> {
  const node = await TzNode.create(root, `${name}-${++seq}`, opts);
  running.push(node);
  return node;
}

/** A waiter on `node`'s events, started now as tezt's `Node.wait_for` (its rejection handled later by `await`). */
function waiter<T>(
  node: TzNode,
  what: string,
  probe: (events: P2pEventLine[]) => T | undefined,
  ms?: number,
): Promise<T> {
  const p = node.waitFor(what, probe, ms);
  p.catch(() => undefined);
  return p;
}

/** Octez's `included ~sub ~super`, as two set comparisons with the message the test fails with. */
function expectSameSet(known: string[], registered: string[]): void {
  for (const p of registered) expect(known, `point ${p} should be known`).toContain(p);
  for (const p of known) expect(registered, `point ${p} should not be known`).toContain(p);
}

describe('tezt/tests/p2p.ml (second half), tzp2p processes', () => {
  // Known_Points_GC.create_node: `--connections 0` and config.json's p2p.limits.max_known_points
  // (0, 0), "a set of size 1" once the GC runs before each addition.
  const gcNode = (name: string) =>
    create(name, { args: ['--connections', '0'], config: { p2p: { limits: { max_known_points: [0, 0] } } } });

  it('check preservation of trusted known points and peers', async () => {
    const node1 = await gcNode('gc-trusted');
    // Six nodes created, never run: only their points matter.
    const points: string[] = [];
    for (let i = 0; i < 6; i++) points.push(`127.0.0.1:${await freshPort()}`);
    await node1.run();
    // octez-admin-client trust address, more points than max_known_points allows.
    for (const p of points) await node1.trustAddress(p);
    expectSameSet(await node1.knownPoints(), points);
  });

  it('check non-preservation of known points', async () => {
    const node1 = await gcNode('gc-untrusted');
    const pointA = `127.0.0.1:${await freshPort()}`;
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(`127.0.0.1:${await freshPort()}`);
    await node1.run();
    // Trust all of them to register them, then untrust all but A.
    await node1.trustAddress(pointA);
    for (const p of others) await node1.trustAddress(p);
    for (const p of others) await node1.untrustAddress(p);
    // A new point triggers the GC.
    const pointB = `127.0.0.1:${await freshPort()}`;
    await node1.trustAddress(pointB);
    expectSameSet(await node1.knownPoints(), [pointA, pointB]);
  });

  it('peers with different chain name', async () => {
    const port1 = await freshPort();
    const port2 = await freshPort();
    const node1 = await create('chain-1', { netPort: port1, args: ['--connections', '1'] });
    // Octez's test loads the full ghostnet network object (`set_ghostnet_sandbox_network`) and
    // changes its chain_name; our config.json reader takes the same object.
    const node2 = await create('chain-2', {
      netPort: port2,
      args: ['--connections', '1', '--peer', `127.0.0.1:${port1}`],
      config: {
        network: {
          genesis: {
            timestamp: '2022-01-25T15:00:00Z',
            block: 'BLockGenesisGenesisGenesisGenesisGenesis1db77eJNeJ9',
            protocol: 'ProtoGenesisGenesisGenesisGenesisGenesisGenesk612im',
          },
          genesis_parameters: { values: { genesis_pubkey: 'edpkuSLWfVU1Vq7Jg9FucPyKmma6otcMHac9zG4oU1KMHSTBpJuGQ2' } },
          chain_name: '__dummy__',
          sandboxed_chain_name: 'SANDBOXED_TEZOS',
        },
      },
    });
    // `authenticate_status` "nack" with the other's point: here the `rejecting_request` P2P event
    // (Octez logs both at the same place of `P2p_connect_handler.authenticate`).
    const nack = (node: TzNode, port: number) =>
      waiter(node, `nack of 127.0.0.1:${port}`, (es) =>
        es.find((e) => e.event === 'rejecting_request' && e['point'] === `127.0.0.1:${port}`),
      );
    await node1.run();
    await node2.run();
    const [n1, n2] = await Promise.all([nack(node1, port2), nack(node2, port1)]);
    expect(n1['peer_id']).toBe(node2.peerId);
    expect(n2['peer_id']).toBe(node1.peerId);
    // The chain names are what differs: neither node ever connected.
    expect(await node1.get('/network/connections')).toEqual([]);
    expect(await node2.get('/network/connections')).toEqual([]);
  });

  it('p2p - set a trusted ring', async () => {
    const numNodes = 5;
    const nodes: TzNode[] = [];
    for (let i = 0; i < numNodes; i++) nodes.push(await create(`ring-${i}`));
    await Promise.all(nodes.map((n) => n.run()));
    // Initially, nobody knows other peers.
    for (const node of nodes) expect(await node.knownPoints(), `${node.name} points`).toHaveLength(0);
    const connections = Promise.all(nodes.map((n) => n.waitForConnections(numNodes - 1, 50_000)));
    connections.catch(() => undefined);
    await Promise.all(
      nodes.map((node, i) =>
        node.call('PATCH', `/network/points/${nodes[(i + 1) % numNodes]!.point}`, { acl: 'trust' }),
      ),
    );
    await connections;
    for (const node of nodes) {
      const peerId = await node.get<string>('/network/self');
      const points = await node.get<[string, { trusted: boolean; state: { event_kind: string } }][]>('/network/points');
      const peers = await node.get<[string, unknown][]>('/network/peers');
      const running = points.filter(([, m]) => m.state.event_kind === 'running').map(([p]) => p);
      expect(running, `${node.name}: own point among running points`).not.toContain(node.point);
      expect(
        peers.map(([id]) => id),
        `${node.name}: own peer id among peers`,
      ).not.toContain(peerId);
      expect(
        points.filter(([, m]) => m.trusted),
        `${node.name}: trusted points`,
      ).toHaveLength(1);
      expect(
        peers.filter(([id]) => id !== peerId),
        `${node.name}: other peers`,
      ).toHaveLength(numNodes - 1);
      expect(
        points.filter(([p]) => p !== node.point),
        `${node.name}: other points`,
      ).toHaveLength(numNodes - 1);
    }
  }, 58_000);

  const runningPoints = async (node: TzNode) =>
    (await node.get<[string, { state: { event_kind: string } }][]>('/network/points')).filter(
      ([, m]) => m.state.event_kind === 'running',
    );

  it('Test expected_peer_id', async () => {
    const numNodes = 5;
    const nodes = await startClique(root, `clique-epi-${++seq}`, numNodes);
    running.push(...nodes);
    for (const node of nodes) expect(await runningPoints(node), node.name).toHaveLength(numNodes - 1);
    const peerIds = await Promise.all(nodes.map((n) => n.get<string>('/network/self')));
    const next = (i: number) => (i + 1) % numNodes;
    const prev = (i: number) => (i + numNodes - 1) % numNodes;

    // The right expected_peer_id on each node's connection to its next neighbour: nothing lost.
    await Promise.all(
      nodes.map((node, i) =>
        node.call('PATCH', `/network/points/${nodes[next(i)]!.point}`, { peer_id: peerIds[next(i)] }),
      ),
    );
    for (const [i, node] of nodes.entries()) {
      const neighbour = await node.get<{ expected_peer_id: string }>(`/network/points/${nodes[next(i)]!.point}`);
      expect(neighbour.expected_peer_id, `expected_peer_id of the neighbour of ${node.name}`).toBe(peerIds[next(i)]);
      expect(await runningPoints(node), node.name).toHaveLength(numNodes - 1);
    }

    // The wrong one (the node's own id): each node loses its connections to next and prev.
    const disconnections = Promise.all(
      nodes.map((node, i) =>
        Promise.all(
          [peerIds[prev(i)]!, peerIds[next(i)]!].map((id) =>
            node.waitFor(`disconnection from ${id}`, (es) =>
              es.find((e) => e.event === 'disconnection' && e['peer_id'] === id),
            ),
          ),
        ),
      ),
    );
    disconnections.catch(() => undefined);
    await Promise.all(
      nodes.map((node, i) => node.call('PATCH', `/network/points/${nodes[next(i)]!.point}`, { peer_id: peerIds[i] })),
    );
    await disconnections;
    for (const node of nodes) expect(await runningPoints(node), node.name).toHaveLength(numNodes - 3);
  }, 58_000);

  it('Test [octez-admin-client p2p stat]', async () => {
    const numNodes = 5;
    const nodes = await startClique(root, `clique-stat-${++seq}`, numNodes);
    running.push(...nodes);
    const byKey =
      <T>(key: (x: T) => string) =>
      (a: T, b: T) =>
        key(a).localeCompare(key(b));
    const peerKey = (p: KnownPeer) => `${p.id} ${p.connected}`;
    const pointKey = (p: KnownPoint) => `${p.id} ${peerKey(p.peer)}`;
    await Promise.all(
      nodes.map(async (node) => {
        const text = await p2pStat(node);
        const stat = parseP2pStat(text);
        const rpcPoints: KnownPoint[] = (
          await node.get<[string, { p2p_peer_id: string; state: { event_kind: string } }][]>('/network/points')
        ).map(([id, m]) => ({
          id,
          peer: { id: m.p2p_peer_id, connected: m.state.event_kind === 'running' },
        }));
        const rpcPeers: KnownPeer[] = (await node.get<[string, { state: string }][]>('/network/peers')).map(
          ([id, m]) => ({ id, connected: m.state === 'running' }),
        );
        expect(stat.knownPoints.sort(byKey(pointKey)), node.name).toEqual(rpcPoints.sort(byKey(pointKey)));
        expect(stat.knownPeers.sort(byKey(peerKey)), node.name).toEqual(rpcPeers.sort(byKey(peerKey)));
        // Not checked by Octez, which parses it: the clique's connections.
        expect(stat.connections.sort(), node.name).toEqual(rpcPeers.map((p) => p.id).sort());
      }),
    );
  }, 58_000);

  // Peer_discovery.create_node: config.json's p2p.limits.maintenance-idle-time (Octez: 5 s).
  const MAINTENANCE_IDLE_TIME_S = 2;
  const discoveryNode = (name: string, p2p: Record<string, unknown> = {}) =>
    create(name, { config: { p2p: { limits: { 'maintenance-idle-time': MAINTENANCE_IDLE_TIME_S }, ...p2p } } });

  /**
   * tezt's `advertise_received node point`: Octez's debug event `advertise_received` (emitter, points)
   * from `from`, listing `point`; `tzp2p run --log-level debug` logs it as `advertise_received` with
   * `peerId` and `points`.
   */
  const advertiseReceived = (node: TzNode, from: TzNode, point: string) =>
    node.cli!.until(
      () =>
        node
          .nodeEvents('advertise_received')
          .find(
            (e) =>
              e['peerId'] === from.peerId &&
              (e['points'] as { ip: string; port: number }[]).some((p) => `${p.ip}:${p.port}` === point),
          ),
      `${node.name}: an advertise of ${point} from ${from.name}`,
      40_000,
    );

  it('p2p-peer-discovery', async () => {
    const nodeA = await discoveryNode('node_a');
    const nodeB = await discoveryNode('node_b');
    const center = await discoveryNode('node_center');
    await center.run();
    await nodeA.run();
    await nodeB.run();
    const advertised = Promise.all([
      advertiseReceived(nodeA, center, nodeB.point),
      advertiseReceived(nodeB, center, nodeA.point),
    ]);
    await center.call('PUT', `/network/points/${nodeA.point}`);
    await center.call('PUT', `/network/points/${nodeB.point}`);
    await advertised;
    // The advertised points were registered.
    expect(await nodeA.knownPoints()).toContain(nodeB.point);
    expect(await nodeB.knownPoints()).toContain(nodeA.point);
  }, 58_000);

  it('p2p-peer-discovery-disable', async () => {
    const node1 = await discoveryNode('node1');
    const node2 = await discoveryNode('node2');
    const center = await discoveryNode('disabled_center', { disable_peer_discovery: true });
    await center.run();
    await node1.run();
    await node2.run();
    await center.call('PUT', `/network/points/${node1.point}`);
    await center.call('PUT', `/network/points/${node2.point}`);
    // Octez waits twice the maintenance idle time; so do we, and until node1 and node2 asked
    // the center for points (Bootstrap) in two maintenance steps each since both were connected,
    // so that there was something to answer.
    const connectedAt = Date.now();
    const bootstraps = (n: TzNode) =>
      n.waitFor('two bootstrap_sent to the center', (es) =>
        es.filter((e) => e.event === 'bootstrap_sent' && e['source'] === center.peerId).length >= 2 ? true : undefined,
      );
    await Promise.all([bootstraps(node1), bootstraps(node2)]);
    const left = 2 * MAINTENANCE_IDLE_TIME_S * 1000 - (Date.now() - connectedAt);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    for (const n of [node1, node2]) {
      // Octez's node events `bootstrap_received` / `advertise_received`, and the P2P events of the same names.
      const bootstrap = [
        ...n.nodeEvents('bootstrap_received'),
        ...n.events().filter((e) => e.event === 'bootstrap_received'),
      ];
      const advertise = [
        ...n.nodeEvents('advertise_received'),
        ...n.events().filter((e) => e.event === 'advertise_received'),
      ];
      expect(
        bootstrap,
        `${n.name}: a bootstrap message received by a node that should be connected only to a node with disabled peer discovery`,
      ).toEqual([]);
      expect(advertise, `${n.name}: an advertise message received`).toEqual([]);
      expect(
        n
          .events()
          .filter((e) => e.event === 'connection_established')
          .map((e) => e['peer_id']),
        n.name,
      ).toEqual([center.peerId]);
    }
  }, 58_000);
});
