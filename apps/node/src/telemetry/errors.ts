import { CodedErrorOf } from '@tezos-p2p/encoding';
export type TelemetryErrorCode =
  /** An option is not one of the accepted values. */
  | 'TELEMETRY_INVALID_OPTIONS'
  /** Another tracer or meter provider is registered with `@opentelemetry/api` already (a second `startTelemetry` without `shutdown`). */
  | 'TELEMETRY_ALREADY_STARTED';

export class TelemetryError extends CodedErrorOf<TelemetryErrorCode> {
  override readonly name = 'TelemetryError';
}
