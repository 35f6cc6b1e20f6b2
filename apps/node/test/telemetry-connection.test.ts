import { type Server, createServer } from 'node:net';
import type { P2pEvent } from '@tezos-p2p/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeP2p } from '../src/rpc/index.js';
import { type Telemetry, startTelemetry } from '../src/telemetry/index.js';
import { TEST_CHAIN, loopbackNode, testHost } from './loopback-nodes.js';
import { type ReceivedSpan, STATUS_ERROR, spansOf, receiverForSuite } from './otlp-receiver.js';

// The span tree of connections between real nodes over loopback, as an OTLP backend receives it
// (the real SDK and OTLP/HTTP exporter, a receiver decoding the JSON). The libraries are imported
// after the SDK is registered (loopbackNode imports them on first call).

const hostA = testHost(51);
const hostB = testHost(52);
/** Nobody listens here: a dial is refused at once. */
const hostClosed = testHost(53);
/** A TCP server that hangs up once it has our connection message: the dial succeeds, the handshake fails. */
const hostHangUp = testHost(54);

function childrenOf(spans: readonly ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
}

function eventsNamed(span: ReceivedSpan, name: string) {
  return span.events.filter((e) => e.name === name).map((e) => e.attributes);
}

async function listen(server: Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('p2p.connection traces exported over OTLP/HTTP', () => {
  const receiver = receiverForSuite();
  let telemetry: Telemetry;
  let a: NodeP2p;
  let b: NodeP2p;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'tzp2p', traces: 'otlp', metrics: 'none' });
    a = await loopbackNode(hostA);
    b = await loopbackNode(hostB);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await telemetry?.shutdown();
  });

  it('one connection: a root span per side, the dial and the handshake under it, messages as events, the disconnect at its end', async () => {
    const { filter, firstValueFrom } = await import('rxjs');
    const on = (n: NodeP2p, kind: P2pEvent['kind']) =>
      firstValueFrom(n.events$.pipe(filter((e: P2pEvent) => e.kind === kind)));

    const established = on(b, 'Connection_established');
    const conn = await a.connect({ ip: hostB, port: b.listeningPort! });
    await established;
    const advertised = on(b, 'Advertise_received');
    expect(conn.writeBootstrap()).toBe(true);
    expect(conn.writeAdvertise([{ ip: '192.0.2.7', port: 9732 }])).toBe(true);
    await advertised;
    const gone = on(b, 'Disconnection');
    await a.disconnect(conn, { wait: true, reason: 'test over' });
    await gone;
    await telemetry.forceFlush();

    const spans = spansOf(receiver.current.received);
    const connections = spans.filter((s) => s.name === 'p2p.connection');
    const out = connections.find((s) => s.attributes['tezos.p2p.direction'] === 'outgoing')!;
    const inc = connections.find((s) => s.attributes['tezos.p2p.direction'] === 'incoming')!;
    expect(out).toBeDefined();
    expect(inc).toBeDefined();

    // Each side's connection is the root of its own trace.
    expect(out.parentSpanId).toBeUndefined();
    expect(inc.parentSpanId).toBeUndefined();
    expect(out.traceId).not.toBe(inc.traceId);
    expect(out.scope).toBe('@tezos-p2p/workers');

    // Who, where, what was announced, the metadata, then how it ended and what went through it.
    expect(out.attributes).toMatchObject({
      'network.transport': 'tcp',
      'network.type': 'ipv4',
      'network.peer.address': hostB,
      'network.peer.port': b.listeningPort,
      'network.local.address': hostA,
      'tezos.p2p.peer_id': b.peerId,
      'tezos.p2p.id_point': `${hostB}:${b.listeningPort}`,
      'tezos.p2p.announced_version.chain_name': TEST_CHAIN,
      'tezos.p2p.announced_version.distributed_db_version': expect.any(Number),
      'tezos.p2p.announced_version.p2p_version': expect.any(Number),
      'tezos.p2p.negotiated_version.chain_name': TEST_CHAIN,
      'tezos.p2p.metadata.local.private_node': false,
      'tezos.p2p.metadata.remote.private_node': false,
      'tezos.p2p.metadata.remote.disable_mempool': false,
      'tezos.p2p.outcome': 'disconnected',
      'tezos.p2p.disconnect.reason': 'User',
    });
    expect(out.attributes['network.local.port']).toBeGreaterThan(0);
    expect(out.attributes['tezos.p2p.messages.sent']).toBeGreaterThanOrEqual(2);
    expect(out.attributes['tezos.p2p.bytes.sent']).toBeGreaterThan(0);
    expect(out.status.code).not.toBe(STATUS_ERROR);
    expect(inc.attributes).toMatchObject({
      'network.peer.address': hostA,
      'network.local.address': hostB,
      'network.local.port': b.listeningPort,
      'tezos.p2p.peer_id': a.peerId,
      'tezos.p2p.announced_version.chain_name': TEST_CHAIN,
      'tezos.p2p.outcome': 'disconnected',
    });
    expect(['Disconnect_received', 'Connection_closed_by_peer']).toContain(
      inc.attributes['tezos.p2p.disconnect.reason'],
    );
    expect(inc.attributes['tezos.p2p.messages.received']).toBeGreaterThanOrEqual(2);
    expect(inc.attributes['tezos.p2p.bytes.received']).toBeGreaterThan(0);

    // The topology messages, each way, as events of the connection's span.
    const sent = eventsNamed(out, 'tezos.p2p.message').filter((e) => e['network.io.direction'] === 'transmit');
    expect(sent.map((e) => e['tezos.p2p.message.kind'])).toEqual(expect.arrayContaining(['Bootstrap', 'Advertise']));
    expect(sent.find((e) => e['tezos.p2p.message.kind'] === 'Advertise')).toMatchObject({
      'tezos.p2p.message.points': 1,
    });
    const received = eventsNamed(inc, 'tezos.p2p.message').filter((e) => e['network.io.direction'] === 'receive');
    expect(received.map((e) => e['tezos.p2p.message.kind']).slice(0, 2)).toEqual(['Bootstrap', 'Advertise']);
    expect(out.events.map((e) => e.name)).toContain('tezos.p2p.established');

    // Outgoing: the dial and the handshake are children of the connection, in its trace.
    const outChildren = childrenOf(spans, out);
    expect(outChildren.map((s) => s.name).sort()).toEqual(['p2p.authenticate', 'p2p.connect']);
    const dial = outChildren.find((s) => s.name === 'p2p.connect')!;
    expect(dial.attributes).toMatchObject({ 'tezos.p2p.outcome': 'connected', 'tezos.p2p.peer_id': b.peerId });
    expect(dial.events.map((e) => e.name)).toContain('tezos.p2p.dialed');
    const handshake = outChildren.find((s) => s.name === 'p2p.authenticate')!;
    expect(handshake.scope).toBe('@tezos-p2p/connection');
    expect(handshake.attributes).toMatchObject({ 'tezos.p2p.direction': 'outgoing', 'tezos.p2p.peer_id': b.peerId });
    // The handshake's steps, in order, each way.
    expect(handshake.events.map((e) => `${e.name} ${e.attributes['network.io.direction']}`)).toEqual([
      'tezos.p2p.connection_message transmit',
      'tezos.p2p.connection_message receive',
      'tezos.p2p.metadata transmit',
      'tezos.p2p.metadata receive',
      'tezos.p2p.ack transmit',
      'tezos.p2p.ack receive',
    ]);
    expect(eventsNamed(handshake, 'tezos.p2p.connection_message')[1]).toMatchObject({
      'tezos.p2p.listening_port': b.listeningPort,
      'tezos.p2p.version.chain_name': TEST_CHAIN,
    });
    expect(eventsNamed(handshake, 'tezos.p2p.metadata')[1]).toMatchObject({ 'tezos.p2p.metadata.private_node': false });
    // Within the connection's lifetime.
    for (const child of outChildren) {
      expect(child.startNs).toBeGreaterThanOrEqual(out.startNs);
      expect(child.endNs).toBeLessThanOrEqual(out.endNs);
    }

    // Incoming: no dial, the handshake under the connection.
    const incChildren = childrenOf(spans, inc);
    expect(incChildren.map((s) => s.name)).toEqual(['p2p.authenticate']);
    expect(incChildren[0]!.attributes).toMatchObject({
      'tezos.p2p.direction': 'incoming',
      'tezos.p2p.peer_id': a.peerId,
    });
    expect(incChildren[0]!.events.map((e) => e.name)).toContain('tezos.p2p.ack');
  });

  it('a refused dial and a failed handshake end their p2p.connection with an error and the code', async () => {
    // A port that was just free: nothing listens on it any more.
    const probe = createServer();
    const closedPort = await listen(probe, hostClosed);
    await close(probe);
    await expect(a.connect({ ip: hostClosed, port: closedPort })).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });

    const hangUp = createServer((s) => s.once('data', () => s.destroy()));
    const hangUpPort = await listen(hangUp, hostHangUp);
    try {
      await expect(a.connect({ ip: hostHangUp, port: hangUpPort })).rejects.toMatchObject({
        code: expect.any(String),
      });
    } finally {
      await close(hangUp);
    }
    await telemetry.forceFlush();
    const spans = spansOf(receiver.current.received);
    const connectionTo = (host: string) =>
      spans.find((s) => s.name === 'p2p.connection' && s.attributes['network.peer.address'] === host)!;

    const refused = connectionTo(hostClosed);
    expect(refused.status.code).toBe(STATUS_ERROR);
    expect(refused.attributes).toMatchObject({
      'tezos.p2p.direction': 'outgoing',
      'network.peer.port': closedPort,
      'error.type': 'CONNECTION_FAILED',
      'tezos.p2p.outcome': 'CONNECTION_FAILED',
    });
    const refusedChildren = childrenOf(spans, refused);
    expect(refusedChildren.map((s) => s.name)).toEqual(['p2p.connect']);
    expect(refusedChildren[0]!.status.code).toBe(STATUS_ERROR);
    expect(refusedChildren[0]!.attributes).toMatchObject({ 'error.type': 'CONNECTION_FAILED' });

    const failed = connectionTo(hostHangUp);
    expect(failed.status.code).toBe(STATUS_ERROR);
    const code = failed.attributes['error.type'];
    expect(code).toEqual(expect.any(String));
    const failedChildren = childrenOf(spans, failed);
    expect(failedChildren.map((s) => s.name).sort()).toEqual(['p2p.authenticate', 'p2p.connect']);
    const handshake = failedChildren.find((s) => s.name === 'p2p.authenticate')!;
    // The handshake failed with the code the connection ended with; it got as far as writing its connection message.
    expect(handshake.status.code).toBe(STATUS_ERROR);
    expect(handshake.attributes['error.type']).toBe(code);
    expect(handshake.events[0]).toMatchObject({
      name: 'tezos.p2p.connection_message',
      attributes: { 'network.io.direction': 'transmit' },
    });
    expect(failedChildren.find((s) => s.name === 'p2p.connect')!.attributes['error.type']).toBe(code);
  });
});
