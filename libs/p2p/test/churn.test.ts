import { connect as tcpConnect } from 'node:net';
import { type Connection, IoScheduler, establish } from '@tezos-p2p/connection';
import type { Identity } from '@tezos-p2p/crypto';
import {
  type PeerId,
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { CHAIN, type Node, identity, pointOf, startNode, stopAll, until } from './harness.js';
import { clientHost, extraResources, settledResources } from './raw-client.js';
import { internals } from './internals.js';

// Churn: many short connections through the node's whole accept path (accept, handshake, checks,
// Ack, P2pConn, Connection_established, close, Disconnection), then the heap, the handles and the
// tables must be where they were after warm-up.
//
// Clients use `establish` over TCP, one identity and one 127.x source address per lane (each
// address's ephemeral ports, in TIME_WAIT after each cycle, stay far from exhaustion), and no
// listening port: a connection message announcing port 0 gives the node no point to register
// (Octez's id_point (addr, None)), so neither the point table nor reconnection back-off is
// involved, and the peer table holds exactly one entry per client identity. Nothing here fails, so
// nothing is greylisted. Each lane waits for the node's Disconnection of its peer before dialling
// again, as a second connection of a peer still Running would be refused (Already_connected).

const CYCLES = 10_000;
const WARMUP = 500;
const LANES = 12;
/** Buffers the connection lib's process-wide pools may keep idle (32 × 128 KiB writes, 32 × 64 KiB chunks). */
const POOLED_BYTES = 32 * 128 * 1024 + 32 * (2 + 0xffff);
const encoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
const gc = (globalThis as { gc?: () => void }).gc;

interface Snapshot {
  readonly heapUsed: number;
  readonly external: number;
  readonly handles: Record<string, number>;
  readonly subscribers: number;
  readonly consumers: number;
  readonly knownPoints: number;
  readonly knownPeers: number;
}

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

async function snapshot(node: Node): Promise<Snapshot> {
  // Sockets closed by the last cycles finish closing on later turns (no event says when).
  const handles = await settledResources();
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return {
    heapUsed: m.heapUsed,
    external: m.external,
    handles,
    subscribers: internals(node).bus.subscriberCount,
    consumers: internals(node).bus.consumerCount,
    knownPoints: internals(node).pool.knownPointCount,
    knownPeers: internals(node).pool.knownPeerCount,
  };
}

describe('churn', () => {
  it(`${CYCLES} connect → authenticate → disconnect cycles: heap and handles back to the warm-up baseline`, async () => {
    expect(gc, 'vitest.config.ts passes --expose-gc to the test process').toBeTypeOf('function');
    const node = await startNode();
    const good = await startNode();
    const { ip, port } = pointOf(node);
    const clients: { id: Identity; from: string }[] = [];
    for (let i = 0; i < LANES; i++) clients.push({ id: await identity(), from: clientHost() });
    const scheduler = new IoScheduler();

    // The node's end of each cycle: Disconnection of the lane's peer (or a refusal, counted as failure).
    const ended = new Map<PeerId, (ok: boolean) => void>();
    let failures = 0;
    let established = 0;
    const sub = node.events$.subscribe((e) => {
      if (e.kind === 'Connection_established') established++;
      const peerId =
        e.kind === 'Disconnection' || e.kind === 'Rejecting_request'
          ? e.peerId
          : e.kind === 'Request_rejected'
            ? e.identity?.peerId
            : undefined;
      if (peerId === undefined) return;
      const done = ended.get(peerId);
      ended.delete(peerId);
      done?.(e.kind === 'Disconnection');
    });

    const cycle = async (c: { id: Identity; from: string }) => {
      const socket = tcpConnect({ host: ip, port, localAddress: c.from });
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const end = new Promise<boolean>((r) => ended.set(c.id.peerId, r));
      const conn: Connection<RawAppMessage, ShellConnectionMetadata> = await establish(socket, {
        identity: c.id,
        version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
        metadata: shellConnectionMetadataConfig(),
        incoming: false,
        remote: { ip, port },
        listeningPort: undefined,
        expectedProofOfWork: 0,
        messageEncoding: encoding,
        scheduler,
      });
      conn.close();
      if (!(await end)) failures++;
    };

    let started = 0;
    const run = (upTo: number) =>
      Promise.all(
        clients.map(async (c) => {
          while (started < upTo) {
            started++;
            await cycle(c);
          }
        }),
      );

    try {
      await run(WARMUP);
      const baseline = await snapshot(node);
      const t0 = performance.now();
      await run(CYCLES);
      const seconds = (performance.now() - t0) / 1000;
      const after = await snapshot(node);
      const extra = await extraResources(baseline.handles);

      console.log(
        `churn: ${CYCLES - WARMUP} cycles in ${seconds.toFixed(1)} s (${((CYCLES - WARMUP) / seconds).toFixed(0)}/s, ${LANES} in flight); ` +
          `heapUsed ${(baseline.heapUsed / 2 ** 20).toFixed(1)} → ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB (${((after.heapUsed / baseline.heapUsed) * 100).toFixed(1)} %); ` +
          `external ${(baseline.external / 2 ** 20).toFixed(1)} → ${(after.external / 2 ** 20).toFixed(1)} MiB; ` +
          `handles ${total(baseline.handles)} → ${total(after.handles)} ${JSON.stringify(after.handles)}; ` +
          `known peers ${baseline.knownPeers} → ${after.knownPeers}, points ${baseline.knownPoints} → ${after.knownPoints}`,
      );
      expect(started).toBe(CYCLES);
      expect(failures).toBe(0);
      expect(established).toBe(CYCLES);
      expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * 1.1);
      // External memory also holds the shared buffer pools, whose idle fill varies with how many
      // connections happened to overlap: a leak must exceed what they may keep.
      expect(after.external).toBeLessThanOrEqual(baseline.external * 1.1 + POOLED_BYTES);
      expect(total(after.handles)).toBeLessThanOrEqual(total(baseline.handles) * 1.1);
      expect(extra).toEqual({});
      expect({ subscribers: after.subscribers, consumers: after.consumers }).toEqual({
        subscribers: baseline.subscribers,
        consumers: baseline.consumers,
      });
      // By design: one peer per client identity, no point (no listening port announced), nothing banned.
      expect(after.knownPeers).toBe(LANES);
      expect(after.knownPoints).toBe(0);
      expect(internals(node).pool.acl.greylistedIps().ips).toEqual([]);
      expect(node.connections()).toEqual([]);
      expect(node.pendingConnections).toEqual({ incoming: 0, outgoing: 0 });

      // The node still serves a good peer.
      const atGood = await good.connect(pointOf(node));
      await until(
        [node],
        () => node.findConnection(good.peerId) !== undefined,
        10_000,
        'the node to see the good peer',
      );
      await good.send(atGood, { tag: 0x10, payload: new Uint8Array([1, 2, 3]) });
      expect(await node.recv(node.findConnection(good.peerId)!)).toEqual({
        tag: 0x10,
        payload: new Uint8Array([1, 2, 3]),
      });
    } finally {
      sub.unsubscribe();
      scheduler.stop();
      await stopAll([node, good]);
    }
  }, 240_000);
});
