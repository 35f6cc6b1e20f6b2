import { ProxyTracerProvider, createNoopMeter, metrics, trace } from '@opentelemetry/api';
import type { P2pEvent } from '@tezos-p2p/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryError, startTelemetry, telemetryOptionsFromEnv } from '../src/telemetry/index.js';
import { leftSince, loopbackNode, resources, testHost } from './loopback-nodes.js';
import { metricNamesOf, spansOf, startReceiver } from './otlp-receiver.js';

// The P2P libraries are imported only after startTelemetry (below): this file covers "SDK first,
// libraries later"; telemetry-console.test.ts covers the other order.

/** True when no tracer or meter provider is registered with the API (checked by registering placeholders, then removing them). */
function globalsAreFree(): boolean {
  const tracerFree = trace.setGlobalTracerProvider(new ProxyTracerProvider());
  const meterFree = metrics.setGlobalMeterProvider({ getMeter: () => createNoopMeter() });
  if (tracerFree) trace.disable();
  if (meterFree) metrics.disable();
  return tracerFree && meterFree;
}

// ---- the environment this file changes, restored afterwards ----

const TOUCHED = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
] as const;
const saved = new Map(TOUCHED.map((k) => [k, process.env[k]]));
function restoreEnv(): void {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

describe('telemetryOptionsFromEnv', () => {
  it('otlp per signal when an endpoint is configured, else none; --otel-console forces console', () => {
    expect(telemetryOptionsFromEnv({}, {})).toEqual({ serviceName: 'tzp2p', traces: 'none', metrics: 'none' });
    expect(telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, {})).toEqual({
      serviceName: 'tzp2p',
      traces: 'otlp',
      metrics: 'otlp',
    });
    expect(telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/v1/traces' }, {})).toMatchObject({
      traces: 'otlp',
      metrics: 'none',
    });
    expect(telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c/v1/metrics' }, {})).toMatchObject({
      traces: 'none',
      metrics: 'otlp',
    });
    expect(telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, {})).toMatchObject({
      traces: 'none',
      metrics: 'none',
    });
    expect(
      telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_METRICS_EXPORTER: 'none' }, {}),
    ).toMatchObject({ traces: 'otlp', metrics: 'none' });
    expect(
      telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SDK_DISABLED: 'true' }, {}),
    ).toMatchObject({ traces: 'none', metrics: 'none' });
    expect(
      telemetryOptionsFromEnv(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SERVICE_NAME: 'bake' },
        { console: true },
      ),
    ).toEqual({ serviceName: 'bake', traces: 'console', metrics: 'console' });
  });

  it('startTelemetry: none registers nothing; bad options fail with a code', async () => {
    const t = startTelemetry({ serviceName: 'tzp2p', traces: 'none', metrics: 'none' });
    await t.forceFlush();
    await t.shutdown();
    expect(globalsAreFree()).toBe(true);
    expect(() => startTelemetry({ serviceName: '', traces: 'none', metrics: 'none' })).toThrow(
      expect.objectContaining({ code: 'TELEMETRY_INVALID_OPTIONS' }),
    );
    expect(() => startTelemetry({ serviceName: 'x', traces: 'jaeger' as never, metrics: 'none' })).toThrow(
      TelemetryError,
    );
  });
});

describe('OTLP/HTTP export to a real receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    restoreEnv();
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('one handshake: p2p.connect and both p2p.authenticate spans arrive with their attributes and resource', async () => {
    await new Promise((r) => setImmediate(r));
    const before = resources();
    for (const k of TOUCHED) delete process.env[k];
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
    const options = telemetryOptionsFromEnv(process.env, {});
    expect(options).toEqual({ serviceName: 'tzp2p', traces: 'otlp', metrics: 'otlp' });
    const telemetry = startTelemetry(options);
    try {
      expect(() => startTelemetry(options)).toThrow(expect.objectContaining({ code: 'TELEMETRY_ALREADY_STARTED' }));

      const { filter, firstValueFrom } = await import('rxjs');
      const hostA = testHost(31);
      const hostB = testHost(32);
      const a = await loopbackNode(hostA);
      const b = await loopbackNode(hostB);
      try {
        const established = firstValueFrom(
          b.events$.pipe(filter((e: P2pEvent) => e.kind === 'Connection_established')),
        );
        const conn = await a.connect({ ip: hostB, port: b.listeningPort! });
        await established;
        expect(conn.peerId).toBe(b.peerId);
        await telemetry.forceFlush();
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }

      const traces = receiver.received.filter((r) => r.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      for (const r of traces) expect(r.contentType).toMatch(/^application\/json/);
      const spans = spansOf(receiver.received);

      const connect = spans.filter((s) => s.name === 'p2p.connect');
      expect(connect).toHaveLength(1);
      expect(connect[0]).toMatchObject({
        scope: '@tezos-p2p/workers',
        attributes: {
          'network.peer.address': hostB,
          'network.peer.port': b.listeningPort,
          'network.transport': 'tcp',
          'tezos.p2p.peer_id': b.peerId,
          'tezos.p2p.outcome': 'connected',
        },
      });

      const authenticate = spans.filter((s) => s.name === 'p2p.authenticate');
      expect(authenticate.map((s) => s.attributes['tezos.p2p.direction']).sort()).toEqual(['incoming', 'outgoing']);
      const outgoing = authenticate.find((s) => s.attributes['tezos.p2p.direction'] === 'outgoing')!;
      const incoming = authenticate.find((s) => s.attributes['tezos.p2p.direction'] === 'incoming')!;
      expect(outgoing).toMatchObject({
        scope: '@tezos-p2p/connection',
        attributes: {
          'network.peer.address': hostB,
          'network.peer.port': b.listeningPort,
          'tezos.p2p.peer_id': b.peerId,
          'tezos.p2p.outcome': 'authenticated',
        },
      });
      expect(incoming).toMatchObject({
        scope: '@tezos-p2p/connection',
        attributes: {
          'network.peer.address': hostA,
          'tezos.p2p.peer_id': a.peerId,
          'tezos.p2p.outcome': 'authenticated',
        },
      });
      // The incoming side sees a's ephemeral source port.
      expect(incoming.attributes['network.peer.port']).toEqual(expect.any(Number));
      expect(incoming.attributes['network.peer.port']).toBeGreaterThan(0);

      for (const s of [...connect, ...authenticate])
        expect(s.resource).toMatchObject({ 'service.name': 'tzp2p', 'service.version': '0.1.0' });

      // Metrics travel the same way (forceFlush collected them).
      expect(metricNamesOf(receiver.received)).toEqual(
        expect.arrayContaining([
          'tezos.p2p.connections',
          'tezos.p2p.handshakes',
          'tezos.p2p.bytes',
          'tezos.p2p.messages',
        ]),
      );
    } finally {
      await telemetry.shutdown();
    }
    // Unregistered at shutdown: the API's globals are free again.
    expect(globalsAreFree()).toBe(true);
    // No timer, socket or server left: the exporter's keep-alive socket goes when the receiver drops it.
    receiver.server.closeAllConnections();
    for (let i = 0; i < 50 && Object.keys(leftSince(before)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(leftSince(before)).toEqual({});
  });
});
