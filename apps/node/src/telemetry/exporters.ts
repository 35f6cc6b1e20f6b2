import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ConsoleMetricExporter, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ExporterKind } from './options.js';

/** The spec's defaults for OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT. */
const DEFAULT_EXPORT_INTERVAL_MS = 60_000;
const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw?.trim() || NaN);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * OTLP: batched (the exporters read OTEL_EXPORTER_OTLP_* themselves: endpoint, headers, timeout,
 * compression; the batch processor reads OTEL_BSP_*). Console: one span printed as it ends.
 */
export function spanProcessorFor(kind: ExporterKind): SpanProcessor | undefined {
  switch (kind) {
    case 'otlp':
      return new BatchSpanProcessor(new OTLPTraceExporter());
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'none':
      return undefined;
  }
}

/**
 * A periodic reader; the interval and timeout come from OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (read
 * here: the reader does not), the timeout capped by the interval as the reader requires.
 */
export function metricReaderFor(kind: ExporterKind, env: NodeJS.ProcessEnv): MetricReader | undefined {
  if (kind === 'none') return undefined;
  const exportIntervalMillis = positiveInt(env['OTEL_METRIC_EXPORT_INTERVAL'], DEFAULT_EXPORT_INTERVAL_MS);
  const exportTimeoutMillis = Math.min(
    positiveInt(env['OTEL_METRIC_EXPORT_TIMEOUT'], DEFAULT_EXPORT_TIMEOUT_MS),
    exportIntervalMillis,
  );
  const exporter = kind === 'otlp' ? new OTLPMetricExporter() : new ConsoleMetricExporter();
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis });
}
