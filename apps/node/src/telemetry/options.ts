import { TelemetryError } from './errors.js';

/** Where a signal goes: OTLP over HTTP (configured by the standard `OTEL_EXPORTER_OTLP_*` variables), stdout, or nowhere. */
export type ExporterKind = 'otlp' | 'console' | 'none';

export const DEFAULT_SERVICE_NAME = 'tzp2p';

export interface TelemetryOptions {
  /** `service.name` of the resource; `telemetryOptionsFromEnv` defaults it to 'tzp2p' (or `OTEL_SERVICE_NAME`). */
  readonly serviceName: string;
  /**
   * Exporters: 'otlp' (OTLP/HTTP, configured by the standard OTEL_* variables: OTEL_EXPORTER_OTLP_ENDPOINT,
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, …_HEADERS, OTEL_METRIC_EXPORT_INTERVAL …), 'console', or 'none'.
   */
  readonly traces: ExporterKind;
  readonly metrics: ExporterKind;
}

const KINDS: readonly string[] = ['otlp', 'console', 'none'] satisfies ExporterKind[];

/** The OTel spec treats an empty variable as unset. */
function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** `OTEL_TRACES_EXPORTER=none` (or the metrics one) switches a signal off, as the SDKs read it. */
function switchedOff(env: NodeJS.ProcessEnv, name: string): boolean {
  return (set(env, name) ?? '').split(',').some((s) => s.trim() === 'none');
}

/**
 * What the CLI uses: 'otlp' for a signal when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces/metrics
 * specific variable) is set, else 'none' — so a node without collector configuration exports nothing
 * and pays nothing. `--otel-console` (`flags.console`) forces console for both. `OTEL_SDK_DISABLED=true`
 * and `OTEL_{TRACES,METRICS}_EXPORTER=none` are honoured as every OTel SDK does.
 */
export function telemetryOptionsFromEnv(env: NodeJS.ProcessEnv, flags: { console?: boolean }): TelemetryOptions {
  const serviceName = set(env, 'OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME;
  if (flags.console) return { serviceName, traces: 'console', metrics: 'console' };
  const disabled = set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const common = set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  const otlp = (signal: 'TRACES' | 'METRICS'): ExporterKind =>
    !disabled &&
    !switchedOff(env, `OTEL_${signal}_EXPORTER`) &&
    (common || set(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`) !== undefined)
      ? 'otlp'
      : 'none';
  return { serviceName, traces: otlp('TRACES'), metrics: otlp('METRICS') };
}

export function checkTelemetryOptions(opts: TelemetryOptions): void {
  if (typeof opts.serviceName !== 'string' || opts.serviceName.trim() === '') {
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      `serviceName: expected a non-empty string, got ${JSON.stringify(opts.serviceName)}`,
    );
  }
  for (const signal of ['traces', 'metrics'] as const) {
    if (!KINDS.includes(opts[signal]))
      throw new TelemetryError(
        'TELEMETRY_INVALID_OPTIONS',
        `${signal}: expected one of ${KINDS.join(', ')}, got ${JSON.stringify(opts[signal])}`,
      );
  }
}
