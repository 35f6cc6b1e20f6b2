import { DEVNET_API, type DevnetEventJson, type DevnetSnapshotJson } from '@tezos-p2p/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetRoutes } from '../src/cli/devnet-api.js';
import { DevnetMembers } from '../src/cli/devnet-members.js';
import { type NodeP2p, type RpcServer, startRpcServer } from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// The devnet's endpoints for the web view, on a real RPC server: the snapshot, the monitor pushed
// on the nodes' events (and only then), and the merged event log, following nodes that join later.

let a: NodeP2p;
let b: NodeP2p;
let rpc: RpcServer;
const members = new DevnetMembers();
const base = () => `http://${testHost(91)}:${rpc.port}`;

beforeAll(async () => {
  a = await loopbackNode(testHost(91));
  b = await loopbackNode(testHost(92));
  rpc = await startRpcServer(a, { listen: [{ host: testHost(91), port: 0 }], extensions: [devnetRoutes(members)] });
  members.add({ index: 0, p2p: a, p2pAddr: `${testHost(91)}:${a.listeningPort}`, rpcAddr: base() });
});

afterAll(async () => {
  members.close();
  await rpc?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Reads a JSON-lines stream, collecting its values until `stop` is aborted. */
function follow<T>(path: string, stop: AbortSignal): { values: T[]; next: (n: number, ms?: number) => Promise<T[]> } {
  const values: T[] = [];
  let wake: () => void = () => undefined;
  void (async () => {
    const res = await fetch(`${base()}${path}`, { signal: stop });
    let partial = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) {
        const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
        partial = lines.pop()!;
        for (const l of lines) values.push(JSON.parse(l) as T);
        wake();
      }
    } catch {
      // aborted
    }
  })();
  const next = async (n: number, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (values.length < n) {
      if (Date.now() > deadline) throw new Error(`${path}: ${values.length} values after ${ms} ms, expected ${n}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    return values;
  };
  return { values, next };
}

describe('devnet endpoints (/ui/api/devnet)', () => {
  it('lists every node, pushes a snapshot when one connects, and merges the nodes’ events', async () => {
    const stop = new AbortController();
    try {
      const monitor = follow<DevnetSnapshotJson>(DEVNET_API.monitor, stop.signal);
      const log = follow<DevnetEventJson>(DEVNET_API.log, stop.signal);
      const [first] = await monitor.next(1);
      expect(first!.nodes.map((n) => [n.index, n.peer_id, n.connections.length])).toEqual([[0, a.peerId, 0]]);
      // Nothing happens: nothing is pushed (the server does not poll).
      await new Promise((r) => setTimeout(r, 400));
      expect(monitor.values).toHaveLength(1);

      // A node joins, then connects: both are pushed, from the events alone.
      members.add({ index: 1, p2p: b, p2pAddr: `${testHost(92)}:${b.listeningPort}`, rpcAddr: undefined });
      await a.connect({ ip: testHost(92), port: b.listeningPort! }, { timeoutMs: 10_000 });
      const expected = [
        [0, a.peerId, [[b.peerId, false]]],
        [1, b.peerId, [[a.peerId, true]]],
      ];
      const shape = (s: DevnetSnapshotJson) =>
        s.nodes.map((n) => [n.index, n.peer_id, n.connections.map((c) => [c.peer_id, c.incoming])]);
      const deadline = Date.now() + 10_000;
      while (JSON.stringify(shape(monitor.values.at(-1)!)) !== JSON.stringify(expected)) {
        expect(Date.now()).toBeLessThan(deadline);
        await monitor.next(monitor.values.length + 1);
      }

      // Both nodes' events, each with its node.
      const established = async () =>
        (await log.next(1)).filter((e) => e.event['event'] === 'connection_established').map((e) => e.node);
      while ((await established()).length < 2) await log.next(log.values.length + 1);
      expect((await established()).sort()).toEqual([0, 1]);

      const snap = (await (await fetch(`${base()}${DEVNET_API.snapshot}`)).json()) as DevnetSnapshotJson;
      expect(shape(snap)).toEqual(expected);
      expect(snap.nodes[0]).toMatchObject({ rpc: base(), greylisted_peers: [] });
      expect(snap.nodes[0]!.connections[0]!.stat).toEqual({
        total_sent: expect.stringMatching(/^\d+$/),
        total_recv: expect.stringMatching(/^\d+$/),
        current_inflow: expect.any(Number),
        current_outflow: expect.any(Number),
      });
    } finally {
      stop.abort();
    }
  });
});
