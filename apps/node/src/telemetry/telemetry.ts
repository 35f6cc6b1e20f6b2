import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { TelemetryError } from './errors.js';
import { metricReaderFor, spanProcessorFor } from './exporters.js';
import { type TelemetryOptions, checkTelemetryOptions } from './options.js';
import { telemetryResource } from './resource.js';
import { DEFAULT_SAMPLER, samplerFor } from './sampler.js';

export interface Telemetry {
  /** Flush everything buffered, then stop exporting; unregisters the providers. Idempotent. */
  shutdown(): Promise<void>;
  /** Export the spans ended so far and collect and export the metrics now. */
  forceFlush(): Promise<void>;
}

const NOTHING: Telemetry = { shutdown: () => Promise.resolve(), forceFlush: () => Promise.resolve() };

/**
 * Install the OpenTelemetry SDK for the libraries' `@opentelemetry/api` calls.
 *
 * Why the tracer and meter providers rather than NodeSDK (0.208): NodeSDK fills in whatever we leave
 * out from the environment (with no span processor it builds an OTLP/protobuf one, and an OTLP log
 * exporter unless log processors are given), so 'none' would not mean none; it has no `forceFlush`; its
 * `shutdown` leaves the providers registered; and it loads the gRPC, protobuf and Prometheus exporters
 * we never use. What it adds over this — instrumentations, propagators, an AsyncLocalStorage context
 * manager — nothing here needs: the libraries start their spans with `startSpan` and hand the parent's
 * context down explicitly (`p2p.connection` → `p2p.connect`, `p2p.authenticate`), across awaits too.
 *
 * Order: this may run before or after the libraries obtained their tracers and meters. Tracers are
 * proxies in the API (resolved at their first span after registration); the API has no proxy for
 * meters, so the libraries re-read the global meter provider when they record (see their metrics.ts).
 */
export function startTelemetry(opts: TelemetryOptions): Telemetry {
  checkTelemetryOptions(opts);
  if (opts.traces === 'none' && opts.metrics === 'none') return NOTHING;
  const resource = telemetryResource(opts.serviceName);
  const processor = spanProcessorFor(opts.traces);
  const reader = metricReaderFor(opts.metrics, process.env);
  // The sampler is always given: the provider would otherwise read OTEL_TRACES_SAMPLER from
  // process.env itself, whatever `opts` say.
  const sampler = samplerFor(opts.sampler ?? DEFAULT_SAMPLER);
  const tracerProvider = processor
    ? new BasicTracerProvider({ resource, sampler, spanProcessors: [processor] })
    : undefined;
  const meterProvider = reader ? new MeterProvider({ resource, readers: [reader] }) : undefined;

  const stop = async (): Promise<void> => {
    // The providers' shutdown flushes: the batch span processor exports what it holds, the periodic
    // reader collects and exports once more, before the exporters close.
    try {
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    } finally {
      if (tracerRegistered) trace.disable();
      if (meterRegistered) metrics.disable();
    }
  };
  const tracerRegistered = tracerProvider !== undefined && trace.setGlobalTracerProvider(tracerProvider);
  const meterRegistered = meterProvider !== undefined && metrics.setGlobalMeterProvider(meterProvider);
  if ((tracerProvider !== undefined && !tracerRegistered) || (meterProvider !== undefined && !meterRegistered)) {
    void stop();
    throw new TelemetryError(
      'TELEMETRY_ALREADY_STARTED',
      'a tracer or meter provider is registered already: shut the previous telemetry down first',
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    shutdown: () => (stopping ??= stop()),
    forceFlush: async () => {
      await Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]);
    },
  };
}
