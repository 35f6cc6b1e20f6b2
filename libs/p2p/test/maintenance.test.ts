import { connect as tcpConnect } from 'node:net';
import { type AuthenticatedSocket, authenticate } from '@tezos-p2p/connection';
import { fromHex } from '@tezos-p2p/encoding';
import { FakeClock } from '@tezos-p2p/events';
import {
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
  type ShellConnectionMetadata,
} from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { maintenanceBounds } from '../src/index.js';
import { CHAIN, type Node, freshHost, identity, nextEvent, nodesStoppedAfterEach, pointOf, until } from './harness.js';

const node = nodesStoppedAfterEach();

// A short idle timer: a node left at exactly min_connections gets no trigger (as in Octez) and waits for it.
const LIMITS = { minConnections: 3, expectedConnections: 6, maxConnections: 9, maintenanceIdleTimeMs: 2_000 };
const BOUNDS = maintenanceBounds(LIMITS); // 4 / 5 / 7 / 8

function connectedGraph(nodes: readonly Node[]): boolean {
  const seen = new Set([nodes[0]!.peerId]);
  const queue = [nodes[0]!];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const c of n.connections()) {
      const m = nodes.find((x) => x.peerId === c.peerId);
      if (m && !seen.has(m.peerId)) {
        seen.add(m.peerId);
        queue.push(m);
      }
    }
  }
  return seen.size === nodes.length;
}

// With max threshold 10 ≥ 9 neighbours, no node of ten ever refuses for lack of slots. With LIMITS
// (threshold 8) the random graph can settle with one node at 3 whose every non-neighbour sits at 8
// and refuses it: a stable state in Octez too (nothing above a threshold, so nobody trims), observed
// in a CI run.
const RANDOM_LIMITS = { minConnections: 3, expectedConnections: 6, maxConnections: 12, maintenanceIdleTimeMs: 2_000 };
const RANDOM_BOUNDS = maintenanceBounds(RANDOM_LIMITS);

describe('random: ten nodes reach their connection targets', () => {
  it('from one bootstrap node, every node ends within the thresholds and the graph is connected', async () => {
    expect(RANDOM_BOUNDS).toEqual({ minThreshold: 4, minTarget: 5, maxTarget: 8, maxThreshold: 10 });
    const boot = await node({ limits: RANDOM_LIMITS });
    const others: Node[] = [];
    for (let i = 0; i < 9; i++)
      others.push(await node({ limits: RANDOM_LIMITS, config: { trustedPoints: [{ point: pointOf(boot) }] } }));
    const all = [boot, ...others];
    const within = (n: Node) =>
      n.connections().length >= RANDOM_BOUNDS.minThreshold && n.connections().length <= RANDOM_BOUNDS.maxThreshold;
    const ok = () => all.every(within) && connectedGraph(all);
    await until(
      all,
      ok,
      60_000,
      () =>
        `every node within 4..10 connections (now ${all.map((n) => n.connections().length).join(' ')}, graph connected: ${connectedGraph(all)})`,
    );
    expect(connectedGraph(all)).toBe(true);
  }, 90_000);
});

describe('maintenance with too few connections', () => {
  it('dials known points up to the target, and again after connections are lost', async () => {
    const peers: Node[] = [];
    for (let i = 0; i < 7; i++) peers.push(await node());
    const started = [] as string[];
    const x = await node({
      limits: LIMITS,
      config: { trustedPoints: peers.map((p) => ({ point: pointOf(p) })), reconnection: { disconnectionDelayMs: 50 } },
    });
    x.events$.subscribe((e) => started.push(e.kind));
    // Both ends must have finished their handshakes before the peers can drop x.
    const symmetric = () =>
      x.connections().length >= BOUNDS.minTarget &&
      x.connections().every((c) => peers.find((p) => p.peerId === c.peerId)?.findConnection(x.peerId) !== undefined);
    await until([x, ...peers], symmetric, 20_000, 'x to reach its target');
    expect(x.connections().length).toBeLessThanOrEqual(BOUNDS.maxTarget);
    // Peers drop x until two are left: below min_connections (3) the too-few trigger fires and the
    // maintenance redials (at exactly 3 it would wait for its timer, as Octez).
    const dropped = x
      .connections()
      .slice(2)
      .map((c) => c.peerId);
    let lost = 0;
    const allLost = new Promise<void>((resolve) => {
      const sub = x.events$.subscribe((e) => {
        if (e.kind === 'Disconnection' && dropped.includes(e.peerId) && ++lost === dropped.length) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    for (const p of peers.filter((n) => dropped.includes(n.peerId))) await p.disconnect(x.peerId);
    await allLost;
    await until(
      [x],
      () => x.connections().length >= BOUNDS.minTarget,
      30_000,
      () =>
        `x to recover its target (now ${x.connections().length}; points ${x
          .knownPoints()
          .map(
            (i) =>
              `${i.key}:${i.state.kind}:${i.reconnectionTime !== undefined ? i.reconnectionTime - x.clock.now() : '-'}`,
          )
          .join(' ')})`,
    );
    expect(started.filter((k) => k === 'Too_few_connections').length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('maintenance with too many connections', () => {
  it('above max_connections the trigger fires and random connections are closed down to the target', async () => {
    const x = await node({ limits: LIMITS });
    // Twelve clients finish their handshake up to x's decision together, then all send their Ack:
    // each passed the slot check while x had no running connection.
    const clients: AuthenticatedSocket<ShellConnectionMetadata>[] = [];
    for (let i = 0; i < 12; i++) {
      const host = freshHost();
      const sock = tcpConnect({ host: pointOf(x).ip, port: pointOf(x).port, localAddress: host });
      await new Promise((r) => sock.once('connect', r));
      clients.push(
        await authenticate(sock, {
          identity: await identity(),
          version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
          metadata: shellConnectionMetadataConfig(),
          incoming: false,
          listeningPort: 20000 + i,
          expectedProofOfWork: 0,
        }),
      );
    }
    const tooMany = nextEvent(x, (e) => e.kind === 'Too_many_connections');
    const conns = await Promise.all(
      clients.map((c) => c.accept({ messageEncoding: p2pMessageEncoding({ opaque: rawAppMessages }) })),
    );
    await tooMany;
    await until([x], () => x.connections().length <= BOUNDS.maxTarget, 20_000, 'x to trim its connections');
    expect(x.connections().length).toBe(BOUNDS.maxTarget);
    const reasons = await Promise.all(conns.filter((c) => c.isClosed).map((c) => c.closed));
    expect(reasons.length).toBe(12 - BOUNDS.maxTarget);
    conns.forEach((c) => c.close());
  });
});

describe('greylist expiry on a fake clock', () => {
  it('an IP greylisted for garbage is refused until 15/16 of the cleanup delay have passed', async () => {
    const clock = new FakeClock(Date.now());
    const day = 86_400_000;
    const target = await node({ runtime: { clock } });
    const badHost = freshHost();
    const bad = await identity();
    const handshake = async () => {
      const sock = tcpConnect({ host: pointOf(target).ip, port: pointOf(target).port, localAddress: badHost });
      await new Promise((r, j) => sock.once('connect', r).once('error', j));
      const a = await authenticate(sock, {
        identity: bad,
        version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
        metadata: shellConnectionMetadataConfig(),
        incoming: false,
        expectedProofOfWork: 0,
      });
      return a.accept({ messageEncoding: p2pMessageEncoding({ opaque: rawAppMessages }) });
    };
    const c = await handshake();
    const closed = nextEvent(target, (e) => e.kind === 'Disconnection');
    c.trySendEncoded(fromHex('00000002000a')); // garbled: unassigned tag
    await closed;
    expect(target.points.banned({ ip: badHost, port: 1 })).toBe(true);
    await expect(handshake()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    // The countdown runs every day/16: greylisted for (14/16, 15/16] of a day.
    await clock.advance((14 * day) / 16);
    expect(target.points.banned({ ip: badHost, port: 1 })).toBe(true);
    await clock.advance(day / 16);
    expect(target.points.banned({ ip: badHost, port: 1 })).toBe(false);
    // The peer id stays greylisted (its ring has no expiry), so a new identity from that IP connects.
    expect(target.peers.banned(bad.peerId)).toBe(true);
    const fresh = await identity();
    const sock = tcpConnect({ host: pointOf(target).ip, port: pointOf(target).port, localAddress: badHost });
    await new Promise((r) => sock.once('connect', r));
    const a = await authenticate(sock, {
      identity: fresh,
      version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      expectedProofOfWork: 0,
    });
    const ok = await a.accept({ messageEncoding: p2pMessageEncoding({ opaque: rawAppMessages }) });
    ok.close();
  });
});
