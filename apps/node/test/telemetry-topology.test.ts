import type { P2pEvent } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import type { NodeP2p as Node } from '../src/rpc/index.js';
import { startTelemetry } from '../src/telemetry/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';
import { spansOf, receiverForSuite } from './otlp-receiver.js';

// Maintenance and swap spans through the real SDK and OTLP/HTTP exporter (the handshake spans are in
// telemetry.test.ts). The libraries are imported after the SDK is registered.

describe('OTLP/HTTP export of maintenance and swap spans', () => {
  const receiver = receiverForSuite();

  it('p2p.maintenance carries its motive and counts; p2p.swap its peers and outcome', async () => {
    const telemetry = startTelemetry({ serviceName: 'tzp2p', traces: 'otlp', metrics: 'none' });
    const { filter, firstValueFrom } = await import('rxjs');
    const nodes: Node[] = [];
    const start = async (i: number, opts: { trusted?: Node; maintenance?: boolean } = {}) => {
      const n = await loopbackNode(testHost(40 + i), {
        ...(opts.trusted ? { trusted: [pointOf(opts.trusted)] } : {}),
        ...(opts.maintenance ? { limits: { minConnections: 1, expectedConnections: 1, maxConnections: 4 } } : {}),
      });
      hostOf.set(n, testHost(40 + i));
      nodes.push(n);
      return n;
    };
    const hostOf = new Map<Node, string>();
    const pointOf = (n: Node) => ({ ip: hostOf.get(n)!, port: n.listeningPort! });
    const established = (n: Node) =>
      firstValueFrom(n.events$.pipe(filter((e: P2pEvent) => e.kind === 'Connection_established')));
    try {
      const [A, B, C, D] = [await start(0), await start(1), await start(2), await start(3)];
      // A maintained node with one trusted point: its activation maintenance connects to it.
      const seedUp = established(A);
      await start(4, { trusted: A, maintenance: true });
      await seedUp;

      // The swap of libs/p2p's scenario: A proposes C to B; B trades D for C, A trades C for D.
      await A.connect(pointOf(B));
      await A.connect(pointOf(C));
      await B.connect(pointOf(D));
      const swapped = Promise.all([
        firstValueFrom(A.events$.pipe(filter((e: P2pEvent) => e.kind === 'Swap_success'))),
        firstValueFrom(B.events$.pipe(filter((e: P2pEvent) => e.kind === 'Swap_success'))),
      ]);
      A.findConnection(B.peerId)!.writeSwapRequest(pointOf(C), C.peerId);
      await swapped;
      await telemetry.forceFlush();

      const spans = spansOf(receiver.current.received);
      const maintenance = spans.filter((s) => s.name === 'p2p.maintenance');
      expect(maintenance.length).toBeGreaterThan(0);
      expect(maintenance[0]).toMatchObject({
        scope: '@tezos-p2p/workers',
        attributes: { 'tezos.p2p.maintenance.motive': 'Activation', 'tezos.p2p.connections': 0 },
      });
      expect(maintenance.some((s) => (s.attributes['tezos.p2p.connections_after'] as number) >= 1)).toBe(true);

      const swaps = spans.filter((s) => s.name === 'p2p.swap');
      expect(swaps).toHaveLength(2);
      const onB = swaps.find(
        (s) => s.attributes['tezos.p2p.peer_id'] === A.peerId && s.attributes['network.peer.address'] === hostOf.get(C),
      )!;
      expect(onB.attributes).toMatchObject({
        'tezos.p2p.swap.replaced_peer_id': D.peerId,
        'network.peer.port': C.listeningPort,
        'tezos.p2p.outcome': 'success',
      });
      const onA = swaps.find((s) => s.attributes['tezos.p2p.peer_id'] === B.peerId)!;
      expect(onA.attributes).toMatchObject({
        'tezos.p2p.swap.replaced_peer_id': C.peerId,
        'network.peer.address': hostOf.get(D),
        'tezos.p2p.outcome': 'success',
      });
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await telemetry.shutdown();
    }
  });
});
