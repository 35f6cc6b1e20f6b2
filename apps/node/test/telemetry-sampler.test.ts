import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import type { P2pEvent } from '@tezos-p2p/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, telemetryOptionsFromEnv } from '../src/telemetry/index.js';
import { samplerFor } from '../src/telemetry/sampler.js';
import { loopbackNode, testHost } from './loopback-nodes.js';
import { metricNamesOf, spansOf, startReceiver } from './otlp-receiver.js';

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
const invalid = expect.objectContaining({ code: 'TELEMETRY_INVALID_OPTIONS' });

describe('OTEL_TRACES_SAMPLER and OTEL_TRACES_EXPORTER', () => {
  it('the sampler and its ratio come from the environment; bad values are refused with a code', () => {
    expect(telemetryOptionsFromEnv(ENDPOINT, {}).sampler).toBeUndefined();
    expect(
      telemetryOptionsFromEnv(
        { ...ENDPOINT, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
        {},
      ).sampler,
    ).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'ALWAYS_OFF' }, {}).sampler).toEqual({
      name: 'always_off',
    });
    // A ratio sampler without its argument samples everything (the spec's default ratio, 1).
    expect(telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'traceidratio' }, {}).sampler).toEqual({
      name: 'traceidratio',
    });
    // The argument of a sampler that takes none is ignored, as the SDK ignores it.
    expect(
      telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'x' }, {})
        .sampler,
    ).toEqual({ name: 'always_on' });
    expect(() => telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'jaeger_remote' }, {})).toThrow(invalid);
    for (const arg of ['2', '-0.1', 'half'])
      expect(() =>
        telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }, {}),
      ).toThrow(invalid);
    // Without traces there is nothing to sample: the setting is not read.
    expect(telemetryOptionsFromEnv({ OTEL_TRACES_SAMPLER: 'nonsense' }, {})).toEqual({
      serviceName: 'tzp2p',
      traces: 'none',
      metrics: 'none',
    });
    expect(() =>
      startTelemetry({
        serviceName: 'x',
        traces: 'console',
        metrics: 'none',
        sampler: { name: 'traceidratio', ratio: 3 },
      }),
    ).toThrow(invalid);
  });

  it('OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER choose otlp, console or none', () => {
    expect(telemetryOptionsFromEnv({ OTEL_TRACES_EXPORTER: 'console' }, {})).toMatchObject({
      traces: 'console',
      metrics: 'none',
    });
    // otlp named explicitly exports to the exporter's default endpoint (localhost:4318).
    expect(telemetryOptionsFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp' }, {})).toMatchObject({
      traces: 'otlp',
      metrics: 'otlp',
    });
    expect(telemetryOptionsFromEnv({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none,otlp' }, {})).toMatchObject({
      traces: 'none',
      metrics: 'otlp',
    });
    expect(() => telemetryOptionsFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' }, {})).toThrow(invalid);
    expect(() => telemetryOptionsFromEnv({ OTEL_METRICS_EXPORTER: 'otlp,console' }, {})).toThrow(invalid);
    expect(telemetryOptionsFromEnv({ OTEL_TRACES_EXPORTER: 'console', OTEL_SDK_DISABLED: 'true' }, {})).toMatchObject({
      traces: 'none',
      metrics: 'none',
    });
  });

  it('samplerFor builds the SDK sampler the name and ratio describe', () => {
    const decide = (s: ReturnType<typeof samplerFor>, traceId: string) =>
      s.shouldSample(ROOT_CONTEXT, traceId, 'p2p.connection', SpanKind.INTERNAL, {}, []).decision;
    const low = '00000000000000000000000000000001';
    // The SDK folds the id's four 32-bit words by XOR and compares with ratio × 2³²: 1 and 0xffffffff.
    const high = 'ffffffff000000000000000000000000';
    expect(decide(samplerFor({ name: 'traceidratio', ratio: 0 }), low)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(samplerFor({ name: 'traceidratio', ratio: 0.5 }), low)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(samplerFor({ name: 'traceidratio', ratio: 0.5 }), high)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(samplerFor({ name: 'parentbased_always_off' }), low)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(samplerFor({ name: 'parentbased_always_on' }), high)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(samplerFor({ name: 'parentbased_traceidratio', ratio: 0.1 }).toString()).toContain('TraceIdRatioBased{0.1}');
  });
});

describe('the sampler of the options, not the process environment, decides', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const saved = new Map(
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER'].map((k) => [k, process.env[k]] as const),
  );

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('ratio 0: the nodes connect, metrics are exported, no span is', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
    // What BasicTracerProvider would read by itself, were the sampler not passed to it.
    process.env['OTEL_TRACES_SAMPLER'] = 'always_on';
    const options = telemetryOptionsFromEnv(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
      {},
    );
    expect(options.sampler).toEqual({ name: 'traceidratio', ratio: 0 });
    const telemetry = startTelemetry(options);
    try {
      const { filter, firstValueFrom } = await import('rxjs');
      const a = await loopbackNode(testHost(71));
      const b = await loopbackNode(testHost(72));
      try {
        const established = firstValueFrom(
          b.events$.pipe(filter((e: P2pEvent) => e.kind === 'Connection_established')),
        );
        const conn = await a.connect({ ip: testHost(72), port: b.listeningPort! });
        await established;
        expect(conn.writeBootstrap()).toBe(true);
        await a.disconnect(conn, { wait: true });
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      await telemetry.forceFlush();
    } finally {
      await telemetry.shutdown();
    }
    expect(metricNamesOf(receiver.received)).toContain('tezos.p2p.connections');
    expect(spansOf(receiver.received)).toEqual([]);
  });
});
