import { describe, expect, it } from 'vitest';
import { freeUdpPort, pointOf, startNode, until } from './harness.js';
import { internals } from './internals.js';

/** Sockets, servers and timers this process holds (Node's resource list). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

// Alone in its file (vitest gives each file its own process), so the baseline is not polluted by
// another test's asynchronous cleanup.
describe('shutdown leaves nothing behind', () => {
  it('sockets, servers, UDP sockets, timers and subscriptions return to what they were', async () => {
    await new Promise((r) => setImmediate(r));
    const before = resources();
    const port = await freeUdpPort();
    const limits = { minConnections: 1, expectedConnections: 2, maxConnections: 3, maintenanceIdleTimeMs: 60_000 };
    const a = await startNode({ limits, config: { discoveryAddr: '127.255.255.255', discoveryPort: port } });
    const b = await startNode({
      limits,
      config: { discoveryAddr: '127.255.255.255', discoveryPort: port, trustedPoints: [{ point: pointOf(a) }] },
    });
    await until(
      [a, b],
      () => a.findConnection(b.peerId) !== undefined && b.findConnection(a.peerId) !== undefined,
      20_000,
      'a and b to connect',
    );
    const ab = a.findConnection(b.peerId)!;
    await a.send(ab, { tag: 0x10, payload: new Uint8Array(1000) });
    await b.recvAny();
    const subscribed = a.events$.subscribe();
    await Promise.all([a.stop(), b.stop()]);
    expect(subscribed.closed).toBe(true);
    expect(internals(a).bus.subscriberCount).toBe(0);
    expect(internals(b).bus.subscriberCount).toBe(0);
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({ code: 'P2P_SHUT_DOWN' });
    // Closing sockets completes on the next turns of the event loop. A leak is a resource type held
    // more often than before; the runner's own timers may also vanish meanwhile, which is no leak.
    const extra = () => Object.fromEntries(Object.entries(resources()).filter(([k, n]) => n > (before[k] ?? 0)));
    for (let i = 0; i < 20 && Object.keys(extra()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(extra()).toEqual({});
  });
});
