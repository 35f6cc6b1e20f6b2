import { CodedErrorOf } from '@tezos-p2p/encoding';
export type DiscoveryErrorCode =
  /**
   * The listening port does not fit the datagram's signed int16. Octez's sender raises on every
   * iteration and its worker stops; we refuse at construction instead.
   */
  | 'PORT_NOT_ANNOUNCEABLE'
  /** The answer socket could not be bound (the message names the address and port). */
  | 'BIND_FAILED'
  | 'INVALID_OPTIONS';

export class DiscoveryError extends CodedErrorOf<DiscoveryErrorCode> {
  override readonly name = 'DiscoveryError';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
