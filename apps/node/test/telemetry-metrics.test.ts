import { type Attributes, metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { generateIdentity } from '@tezos-p2p/crypto';
import type { P2pEvent } from '@tezos-p2p/events';
import { createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The libraries are imported (and their modules evaluated) before the meter provider below is
// registered, as in a CLI that loads everything and then starts telemetry.

/** A pull-only reader: the test collects when it wants, no timer. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

interface Point {
  readonly attributes: Attributes;
  readonly value: number;
}

type Snapshot = Map<string, Point[]>;

function snapshot(rm: ResourceMetrics): Snapshot {
  const out: Snapshot = new Map();
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const points = (m.dataPoints as DataPoint<unknown>[]).map((p) => ({
        attributes: p.attributes,
        value: p.value as number,
      }));
      out.set(m.descriptor.name, [...(out.get(m.descriptor.name) ?? []), ...points]);
    }
  }
  return out;
}

/** The value of `name` at exactly `attrs` (0 when absent). */
function valueOf(s: Snapshot, name: string, attrs: Attributes): number {
  const key = JSON.stringify(Object.entries(attrs).sort());
  return s.get(name)?.find((p) => JSON.stringify(Object.entries(p.attributes).sort()) === key)?.value ?? 0;
}

function sum(s: Snapshot, name: string, match: Attributes = {}): number {
  return (s.get(name) ?? [])
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((a, p) => a + p.value, 0);
}

const reader = new TestReader();
const provider = new MeterProvider({ readers: [reader] });

async function collect(): Promise<Snapshot> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return snapshot(resourceMetrics);
}

/** Collect until `check` holds: counters are bumped when promises settle, a few turns after the events the test awaits. Bounded. */
async function eventually(check: (s: Snapshot) => boolean, what: string): Promise<Snapshot> {
  for (let i = 0; i < 200; i++) {
    const s = await collect();
    if (check(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`metrics never showed ${what}: ${JSON.stringify([...(await collect()).entries()])}`);
}

const base = 1 + (process.pid % 200);
let nextHost = 50;
async function startNode(chain = 'TEZOS_TELEMETRY_TEST') {
  const host = `127.0.${base}.${nextHost++}`;
  const node = await createP2p(
    {
      identity: await generateIdentity({ difficulty: 0, workers: 0 }),
      listenAddr: host,
      localAddress: host,
      listeningPort: 0,
      expectedProofOfWork: 0,
    },
    { maintenanceIdleTimeMs: null },
    rawMessageParams(chain, { privateMode: false }),
  );
  return { node, point: { ip: host, port: node.listeningPort! } };
}

describe('P2P metrics through the SDK', () => {
  beforeAll(() => {
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
  });

  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  it('the API has no proxy meter: a meter obtained before the SDK stays a no-op (why the libraries bind lazily)', async () => {
    metrics.disable();
    const early = metrics.getMeter('early');
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
    early.createCounter('test.early').add(1);
    metrics.getMeter('late').createCounter('test.late').add(1);
    const s = await collect();
    expect(s.has('test.early')).toBe(false);
    expect(valueOf(s, 'test.late', {})).toBe(1);
  });

  it('connections, handshakes, bytes and messages of two nodes; a refusal on a chain mismatch', async () => {
    const a = await startNode();
    const b = await startNode();
    const c = await startNode('ANOTHER_CHAIN');
    const nodes = [a.node, b.node, c.node];
    try {
      expect(valueOf(await collect(), 'tezos.p2p.connections', { direction: 'incoming' })).toBe(0);

      const established = firstValueFrom(
        b.node.events$.pipe(filter((e: P2pEvent) => e.kind === 'Connection_established')),
      );
      const ab = await a.node.connect(b.point);
      await established;
      const s1 = await eventually(
        (s) =>
          valueOf(s, 'tezos.p2p.handshakes', { direction: 'incoming', outcome: 'accepted' }) === 1 &&
          valueOf(s, 'tezos.p2p.handshakes', { direction: 'outgoing', outcome: 'accepted' }) === 1,
        'both halves of the handshake accepted',
      );
      // In this process: a's outgoing connection and b's incoming one.
      expect(valueOf(s1, 'tezos.p2p.connections', { direction: 'outgoing' })).toBe(1);
      expect(valueOf(s1, 'tezos.p2p.connections', { direction: 'incoming' })).toBe(1);

      const ba = b.node.findConnection(a.node.peerId)!;
      await a.node.send(ab, { tag: 0x10, payload: new Uint8Array(1000) });
      await b.node.recv(ba);
      const s2 = await eventually(
        (s) => valueOf(s, 'tezos.p2p.messages', { direction: 'received', kind: 'application' }) >= 1,
        'the application message received',
      );
      expect(valueOf(s2, 'tezos.p2p.messages', { direction: 'sent', kind: 'application' })).toBe(1);
      expect(valueOf(s2, 'tezos.p2p.messages', { direction: 'received', kind: 'application' })).toBe(1);
      // Wire bytes: the 1000-byte payload, its framing, chunk header and MAC at least.
      expect(valueOf(s2, 'tezos.p2p.bytes', { direction: 'sent' })).toBeGreaterThan(1000);
      expect(valueOf(s2, 'tezos.p2p.bytes', { direction: 'received' })).toBeGreaterThan(1000);
      // What the connections' own statistics say, summed (every connection of this process is a's or b's).
      expect(valueOf(s2, 'tezos.p2p.bytes', { direction: 'sent' })).toBe(
        ab.connection.stat().bytesSent + ba.connection.stat().bytesSent,
      );

      // Both sides of a chain mismatch refuse with a Nack (unknown_chain_name), as Octez.
      const rejecting = firstValueFrom(c.node.events$.pipe(filter((e: P2pEvent) => e.kind === 'Rejecting_request')));
      await expect(a.node.connect(c.point)).rejects.toMatchObject({ code: 'REJECTED_NO_COMMON_PROTOCOL' });
      await rejecting;
      const s3 = await eventually(
        (s) =>
          valueOf(s, 'tezos.p2p.refusals', { reason: 'unknown_chain_name' }) === 2 &&
          sum(s, 'tezos.p2p.handshakes', { outcome: 'REJECTED_NO_COMMON_PROTOCOL' }) === 2,
        'the two Nacks and the two failed handshakes',
      );
      expect(
        valueOf(s3, 'tezos.p2p.handshakes', { direction: 'outgoing', outcome: 'REJECTED_NO_COMMON_PROTOCOL' }),
      ).toBe(1);
      expect(
        valueOf(s3, 'tezos.p2p.handshakes', { direction: 'incoming', outcome: 'REJECTED_NO_COMMON_PROTOCOL' }),
      ).toBe(1);
      expect(sum(s3, 'tezos.p2p.refusals')).toBe(2);
      expect(sum(s3, 'tezos.p2p.greylistings')).toBe(0);
      expect(valueOf(s3, 'tezos.p2p.connections', { direction: 'outgoing' })).toBe(1);

      // Cardinality: no peer id, address or port in any metric attribute.
      const secrets = [a.node.peerId, b.node.peerId, c.node.peerId, a.point.ip, b.point.ip, c.point.ip];
      for (const points of s3.values()) {
        for (const p of points) {
          expect(Object.keys(p.attributes).every((k) => ['direction', 'outcome', 'reason', 'kind'].includes(k))).toBe(
            true,
          );
          expect(Object.values(p.attributes).some((v) => secrets.includes(v as string))).toBe(false);
        }
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
    // The nodes stopped feeding the gauge at shutdown.
    const s4 = await collect();
    expect(valueOf(s4, 'tezos.p2p.connections', { direction: 'incoming' })).toBe(0);
    expect(valueOf(s4, 'tezos.p2p.connections', { direction: 'outgoing' })).toBe(0);
  });
});
