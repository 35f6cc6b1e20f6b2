import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { TelemetryError } from './errors.js';

/** The values of OTEL_TRACES_SAMPLER the SDK implements (the spec's `jaeger_remote` and `xray` need other packages). */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Which spans are kept: a sampler of the spec and, for the ratio ones, the fraction of traces (0–1). */
export interface SamplerOptions {
  readonly name: SamplerName;
  /** For `traceidratio` and `parentbased_traceidratio`; 1 when absent (the spec's default). */
  readonly ratio?: number | undefined;
}

/** The spec's default: every root span sampled, children following their parent. */
export const DEFAULT_SAMPLER: SamplerOptions = { name: 'parentbased_always_on' };

function isSamplerName(s: string): s is SamplerName {
  return (SAMPLER_NAMES as readonly string[]).includes(s);
}

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read as the SDK reads them but refused with a
 * TelemetryError where the SDK would log and fall back to sampling everything: a typo in a sampling
 * setting should not silently export every trace. `undefined` when the sampler is not set.
 */
export function samplerFromEnv(name: string | undefined, arg: string | undefined): SamplerOptions | undefined {
  if (name === undefined) return undefined;
  const normalized = name.toLowerCase();
  if (!isSamplerName(normalized))
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      `OTEL_TRACES_SAMPLER: expected one of ${SAMPLER_NAMES.join(', ')}, got ${JSON.stringify(name)}`,
    );
  if (!normalized.endsWith('traceidratio') || arg === undefined) return { name: normalized };
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      `OTEL_TRACES_SAMPLER_ARG: expected a number in [0, 1], got ${JSON.stringify(arg)}`,
    );
  return { name: normalized, ratio };
}

export function checkSamplerOptions(opts: SamplerOptions): void {
  if (!isSamplerName(opts.name))
    throw new TelemetryError(
      'TELEMETRY_INVALID_OPTIONS',
      `sampler.name: expected one of ${SAMPLER_NAMES.join(', ')}, got ${JSON.stringify(opts.name)}`,
    );
  const r = opts.ratio;
  if (r !== undefined && !(typeof r === 'number' && r >= 0 && r <= 1))
    throw new TelemetryError('TELEMETRY_INVALID_OPTIONS', `sampler.ratio: expected a number in [0, 1], got ${r}`);
}

/** The SDK sampler for `opts`. */
export function samplerFor(opts: SamplerOptions): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(opts.ratio ?? 1);
  switch (opts.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
  }
}
