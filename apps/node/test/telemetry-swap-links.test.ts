import type { P2pEvent } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import type { NodeP2p as Node } from '../src/rpc/index.js';
import { startTelemetry } from '../src/telemetry/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';
import { type ReceivedSpan, spansOf, receiverForSuite } from './otlp-receiver.js';

// A swap and a maintenance between real nodes, exported over OTLP/HTTP: the swap messages are events
// of the connections' spans; each p2p.swap span links to the p2p.connection spans it involves (the
// connection it was negotiated on, the one it opened, the one it dropped), and a p2p.maintenance span
// to the connections it opened.

describe('p2p.swap and p2p.maintenance link to the connections they involve', () => {
  const receiver = receiverForSuite();

  it('Swap_request / Swap_ack as events; source, new and replaced as links; the connections a maintenance opened', async () => {
    const telemetry = startTelemetry({ serviceName: 'tzp2p', traces: 'otlp', metrics: 'none' });
    const { filter, firstValueFrom } = await import('rxjs');
    const hosts = [0, 1, 2, 3, 4].map((i) => testHost(60 + i));
    const nodes: Node[] = [];
    try {
      for (const h of hosts.slice(0, 4)) nodes.push(await loopbackNode(h));
      const [A, B, C, D] = nodes as [Node, Node, Node, Node];
      const pointOf = (n: Node) => ({ ip: hosts[nodes.indexOf(n)]!, port: n.listeningPort! });
      // A maintained node trusting A: its activation maintenance connects to A.
      const seedUp = firstValueFrom(A.events$.pipe(filter((e: P2pEvent) => e.kind === 'Connection_established')));
      nodes.push(
        await loopbackNode(hosts[4]!, {
          trusted: [pointOf(A)],
          limits: { minConnections: 1, expectedConnections: 1, maxConnections: 4 },
        }),
      );
      await seedUp;
      // A proposes C to B; B trades D for C, A trades C for D (libs/p2p's swap scenario).
      await A.connect(pointOf(B));
      await A.connect(pointOf(C));
      await B.connect(pointOf(D));
      const swapped = Promise.all(
        [A, B].map((n) => firstValueFrom(n.events$.pipe(filter((e: P2pEvent) => e.kind === 'Swap_success')))),
      );
      expect(A.findConnection(B.peerId)!.writeSwapRequest(pointOf(C), C.peerId)).toBe(true);
      await swapped;
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await telemetry.forceFlush();
      await telemetry.shutdown();
    }
    const [A, B, C, D, E] = nodes as [Node, Node, Node, Node, Node];
    const spans = spansOf(receiver.current.received);
    /** `on`'s p2p.connection span with `peer` (the first, when there were several). */
    const connection = (on: Node, peer: Node): ReceivedSpan =>
      spans.find(
        (s) =>
          s.name === 'p2p.connection' &&
          s.attributes['network.local.address'] === hosts[nodes.indexOf(on)] &&
          s.attributes['tezos.p2p.peer_id'] === peer.peerId,
      )!;
    const linksOf = (swap: ReceivedSpan) =>
      Object.fromEntries(swap.links.map((l) => [l.attributes['tezos.p2p.swap.role'], l.spanId]));

    const swaps = spans.filter((s) => s.name === 'p2p.swap');
    const onB = swaps.find((s) => s.attributes['tezos.p2p.peer_id'] === A.peerId)!;
    expect(linksOf(onB)).toEqual({
      source: connection(B, A).spanId,
      replaced: connection(B, D).spanId,
      new: connection(B, C).spanId,
    });
    const onA = swaps.find((s) => s.attributes['tezos.p2p.peer_id'] === B.peerId)!;
    expect(linksOf(onA)).toEqual({
      source: connection(A, B).spanId,
      replaced: connection(A, C).spanId,
      new: connection(A, D).spanId,
    });
    // The links point into other traces: a connection is its own trace.
    for (const l of [...onA.links, ...onB.links]) expect(l.traceId).not.toBe(onA.traceId);

    const messages = (s: ReceivedSpan) =>
      s.events
        .filter((e) => e.name === 'tezos.p2p.message')
        .map((e) => ({
          kind: e.attributes['tezos.p2p.message.kind'],
          dir: e.attributes['network.io.direction'],
          peer: e.attributes['tezos.p2p.swap.peer_id'],
        }));
    expect(messages(connection(A, B))).toEqual(
      expect.arrayContaining([
        { kind: 'Swap_request', dir: 'transmit', peer: C.peerId },
        { kind: 'Swap_ack', dir: 'receive', peer: D.peerId },
      ]),
    );
    expect(messages(connection(B, A))).toEqual(
      expect.arrayContaining([
        { kind: 'Swap_request', dir: 'receive', peer: C.peerId },
        { kind: 'Swap_ack', dir: 'transmit', peer: D.peerId },
      ]),
    );
    expect(
      connection(A, B).events.find((e) => e.attributes['tezos.p2p.message.kind'] === 'Swap_request'),
    ).toMatchObject({ attributes: { 'tezos.p2p.swap.point': `${hosts[2]}:${C.listeningPort}` } });
    // The maintenance step that opened E → A links to that connection.
    const opened = spans
      .filter((s) => s.name === 'p2p.maintenance')
      .flatMap((s) => s.links.filter((l) => l.attributes['tezos.p2p.maintenance.role'] === 'opened'));
    expect(opened.map((l) => l.spanId)).toContain(connection(E, A).spanId);
    // The replaced connections ended because of the swap.
    expect(connection(B, D).attributes['tezos.p2p.disconnect.reason']).toBe('Peer_swapped');
    expect(connection(A, C).attributes['tezos.p2p.disconnect.reason']).toBe('Peer_swapped');
  });
});
