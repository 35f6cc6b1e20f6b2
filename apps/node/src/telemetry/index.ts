/**
 * OpenTelemetry for the node: the SDK behind the libraries' `@opentelemetry/api` spans and metrics,
 * exporting over OTLP/HTTP (JSON) or to the console, configured by the standard OTEL_* variables.
 */
export { type Telemetry, startTelemetry } from './telemetry.js';
export { type TelemetryOptions, type ExporterKind, DEFAULT_SERVICE_NAME, telemetryOptionsFromEnv } from './options.js';
export { TelemetryError, type TelemetryErrorCode } from './errors.js';
export { type SamplerOptions, type SamplerName, SAMPLER_NAMES, DEFAULT_SAMPLER } from './sampler.js';
