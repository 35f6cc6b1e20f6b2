import { CodedErrorOf } from '@tezos-p2p/encoding';

export type MetricsServerErrorCode =
  /** An address could not be resolved or bound (in use, no such interface). */
  'METRICS_LISTEN_FAILED';

/** The `/metrics` server could not start; nothing is left listening then. */
export class MetricsServerError extends CodedErrorOf<MetricsServerErrorCode> {
  override readonly name = 'MetricsServerError';
}
