import { CodedErrorOf } from '@tezos-p2p/encoding';
export type PoolErrorCode =
  /** A state transition Octez asserts against (e.g. disconnecting a disconnected point). */
  | 'INVALID_TRANSITION'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  /** peers.json could not be parsed or has the wrong shape; the file was moved aside. */
  | 'PEERS_FILE_INVALID'
  | 'PEERS_FILE_WRITE_FAILED';

export class PoolError extends CodedErrorOf<PoolErrorCode> {
  override readonly name = 'PoolError';
}
