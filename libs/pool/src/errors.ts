import { CodedError } from '@tezos-p2p/encoding';
export type PoolErrorCode =
  /** A state transition Octez asserts against (e.g. disconnecting a disconnected point). */
  | 'INVALID_TRANSITION'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  /** peers.json could not be parsed or has the wrong shape; the file was moved aside. */
  | 'PEERS_FILE_INVALID'
  | 'PEERS_FILE_WRITE_FAILED';

export class PoolError extends CodedError<PoolErrorCode> {
  override readonly name = 'PoolError';
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
