import { TelemetryError } from './errors.js';
import { type SamplerOptions, checkSamplerOptions, samplerFromEnv } from './sampler.js';

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
  /**
   * Which traces are kept (OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG); absent: the spec's default,
   * `parentbased_always_on`. Each connection is a trace root, so a ratio keeps that fraction of connections.
   */
  readonly sampler?: SamplerOptions | undefined;
}

const KINDS: readonly string[] = ['otlp', 'console', 'none'] satisfies ExporterKind[];

/** The OTel spec treats an empty variable as unset. */
function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/**
 * OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER: `none` anywhere in the list switches the signal off,
 * as the SDKs read it; otherwise one exporter, `otlp` or `console` (the only ones the node carries).
 * `undefined` when unset.
 */
function exporterFromEnv(env: NodeJS.ProcessEnv, name: string): ExporterKind | undefined {
  const raw = set(env, name);
  if (raw === undefined) return undefined;
  const names = [...new Set(raw.split(',').map((s) => s.trim().toLowerCase()))].filter((s) => s !== '');
  if (names.includes('none')) return 'none';
  const only = names.length === 1 ? names[0] : undefined;
  if (only === 'otlp' || only === 'console') return only;
  throw new TelemetryError(
    'TELEMETRY_INVALID_OPTIONS',
    `${name}: expected one of otlp, console, none, got ${JSON.stringify(raw)}`,
  );
}

/**
 * What the CLI uses: 'otlp' for a signal when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces/metrics
 * specific variable) is set, else 'none' — so a node without collector configuration exports nothing
 * and pays nothing. `OTEL_{TRACES,METRICS}_EXPORTER` choose explicitly (`otlp` then goes to the
 * exporter's default, http://localhost:4318, `console`, `none`); `--otel-console` (`flags.console`)
 * forces console for both; `OTEL_SDK_DISABLED=true` switches everything off, as every OTel SDK does.
 * The sampler comes from OTEL_TRACES_SAMPLER / _ARG when traces are exported. Values the node cannot
 * honour are refused (TELEMETRY_INVALID_OPTIONS), not ignored.
 */
export function telemetryOptionsFromEnv(env: NodeJS.ProcessEnv, flags: { console?: boolean }): TelemetryOptions {
  const serviceName = set(env, 'OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME;
  const disabled = !flags.console && set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const common = set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  const kind = (signal: 'TRACES' | 'METRICS'): ExporterKind => {
    if (flags.console) return 'console';
    if (disabled) return 'none';
    const chosen = exporterFromEnv(env, `OTEL_${signal}_EXPORTER`);
    if (chosen !== undefined) return chosen;
    return common || set(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`) !== undefined ? 'otlp' : 'none';
  };
  const traces = kind('TRACES');
  const metrics = kind('METRICS');
  const sampler =
    traces === 'none'
      ? undefined
      : samplerFromEnv(set(env, 'OTEL_TRACES_SAMPLER'), set(env, 'OTEL_TRACES_SAMPLER_ARG'));
  return { serviceName, traces, metrics, ...(sampler ? { sampler } : {}) };
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
  if (opts.sampler !== undefined) checkSamplerOptions(opts.sampler);
}
