import { describe, it } from 'vitest';
import { type NodeSpec, freeUdpPort, nodesStoppedAfterEach, pointOf, until } from './harness.js';

const node = nodesStoppedAfterEach();

describe('discovery: two nodes find each other over UDP', () => {
  it('each announces itself on the LAN broadcast address, registers the other and the maintenance connects', async () => {
    const port = await freeUdpPort();
    // 127.255.255.255 is the loopback subnet's broadcast: every socket bound to the port receives it.
    // Datagrams leave from 127.0.0.1 (the kernel's choice), so the nodes listen there, as a LAN node
    // listens on the address its broadcasts come from.
    // Only `a` needs a connection: two nodes dialling each other at the same instant both get Nacked
    // with Already_connected (Octez's documented collision), so the test keeps one dialler.
    const spec = (minConnections: number): NodeSpec => ({
      limits: { minConnections, expectedConnections: 1, maxConnections: 2, maintenanceIdleTimeMs: 60_000 },
      config: {
        listenAddr: '127.0.0.1',
        localAddress: '127.0.0.1',
        discoveryAddr: '127.255.255.255',
        discoveryPort: port,
      },
    });
    const a = await node(spec(1));
    const b = await node(spec(0));
    // Each registers the other's point: the datagram's source address and announced listening port.
    await until(
      [a, b],
      () => a.pointInfo(pointOf(b)) !== undefined && b.pointInfo(pointOf(a)) !== undefined,
      20_000,
      'both to discover each other',
    );
    await until(
      [a, b],
      () => a.findConnection(b.peerId) !== undefined && b.findConnection(a.peerId) !== undefined,
      20_000,
      'a and b to connect',
    );
  });
});
