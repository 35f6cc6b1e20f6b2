/**
 * `/network/log` reads Octez's order (`p2p_connect_handler.ml`, `p2p_pool.ml`) for a connection, a
 * refusal and a disconnection: the records as an RPC client receives them, end to end.
 */
import { generateIdentity } from '@tezos-p2p/crypto';
import { createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeP2p, type RpcServer, startRpcServer } from '../src/rpc/index.js';

const CHAIN = 'TZP2P_LOG_ORDER';
let seq = 0;
const hosts = new Map<NodeP2p, string>();

async function startNode(limits: Record<string, number | null> = {}): Promise<NodeP2p> {
  seq++;
  const host = `127.${60 + ((process.pid + 7) % 120)}.200.${seq}`;
  const identity = await generateIdentity({ difficulty: 0, workers: 0 });
  const n = (await createP2p(
    { identity, listenAddr: host, localAddress: host, listeningPort: 0, expectedProofOfWork: 0 },
    { maintenanceIdleTimeMs: null, ...limits },
    rawMessageParams(CHAIN),
  )) as NodeP2p;
  hosts.set(n, host);
  return n;
}
const pointOf = (n: NodeP2p) => ({ ip: hosts.get(n)!, port: n.listeningPort! });

/** The `event` names of a `/network/log` stream, as they arrive. */
async function openLog(
  base: string,
): Promise<{ events: string[]; until: (n: number) => Promise<void>; cancel: () => Promise<void> }> {
  const res = await fetch(`${base}/network/log`);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  let buffered = '';
  return {
    events,
    until: async (n) => {
      while (events.length < n) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          events.push(String((JSON.parse(buffered.slice(0, nl)) as { event: string }).event));
          buffered = buffered.slice(nl + 1);
        }
      }
    },
    cancel: () => reader.cancel(),
  };
}

let a: NodeP2p;
let b: NodeP2p;
let full: NodeP2p;
let server: RpcServer;
let base = '';

beforeAll(async () => {
  a = await startNode();
  b = await startNode();
  full = await startNode({ maxConnections: 0, minConnections: 0, expectedConnections: 0 });
  server = await startRpcServer(a, { listen: [{ host: '127.0.0.1', port: 0 }] });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await Promise.all([a, b, full].map((n) => n.stop()));
});

describe("/network/log in Octez's order", () => {
  it('a connection (New_point, Outgoing_connection, New_peer, Accepting_request, Connection_established), then its Disconnection', async () => {
    const log = await openLog(base);
    try {
      const conn = await a.connect(pointOf(b));
      await log.until(5);
      expect(log.events).toEqual([
        'new_point',
        'outgoing_connection',
        'new_peer',
        'accepting_request',
        'connection_established',
      ]);
      await a.disconnect(conn);
      await log.until(6);
      expect(log.events.slice(5)).toEqual(['disconnection']);
    } finally {
      await log.cancel();
    }
  });

  it("a refusal by a full node: the dialler's records, then the Nack's alternative point", async () => {
    const log = await openLog(base);
    try {
      await expect(a.connect(pointOf(full))).rejects.toMatchObject({ code: 'REJECTED_BY_NACK' });
      await log.until(5);
      // No Request_rejected on the dialling side (Octez logs it for incoming connections only); the
      // full node's Nack lists the point it knows, ours, new to us (`connection_rejected_by_peers`).
      expect(log.events).toEqual(['new_point', 'outgoing_connection', 'new_peer', 'accepting_request', 'new_point']);
    } finally {
      await log.cancel();
    }
  });

  it('an incoming connection refused by the listener: Incoming_connection, New_point, New_peer, Rejecting_request', async () => {
    const fullServer = await startRpcServer(full, { listen: [{ host: '127.0.0.1', port: 0 }] });
    const log = await openLog(`http://127.0.0.1:${fullServer.port}`);
    try {
      await expect(b.connect(pointOf(full))).rejects.toMatchObject({ code: 'REJECTED_BY_NACK' });
      await log.until(4);
      expect(log.events).toEqual(['incoming_connection', 'new_point', 'new_peer', 'rejecting_request']);
    } finally {
      await log.cancel();
      await fullServer.close();
    }
  });
});
