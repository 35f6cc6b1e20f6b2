import { CodedErrorOf } from '@tezos-p2p/encoding';
export type CryptoErrorCode =
  /** The requested backend cannot be loaded (e.g. sodium-native missing for this platform). */
  | 'BACKEND_UNAVAILABLE'
  /** X25519 gave the all-zero point: the peer's public key has low order (Octez fails the handshake too). */
  | 'LOW_ORDER_PUBLIC_KEY'
  | 'INVALID_KEY_LENGTH'
  | 'INVALID_NONCE_LENGTH'
  /** An output buffer too small for what is written into it at the given offset. */
  | 'INVALID_OUTPUT_LENGTH'
  /** A Blake2b digest length outside [16, 64] (libsodium's range; Octez uses 16 and 32). */
  | 'INVALID_DIGEST_LENGTH'
  /** A proof-of-work difficulty outside [0, 256]. */
  | 'INVALID_DIFFICULTY'
  /** Proof-of-work generation was cancelled through its AbortSignal. */
  | 'POW_ABORTED'
  /** A proof-of-work worker thread failed. */
  | 'POW_WORKER_FAILED';

export class CryptoError extends CodedErrorOf<CryptoErrorCode> {
  override readonly name = 'CryptoError';
}

export type IdentityErrorCode =
  /** `peer_id` is not Blake2b-128 of the public key (`Identity_mismatch`). */
  | 'IDENTITY_MISMATCH'
  /** The secret key does not derive the public key (`Identity_keys_mismatch`). */
  | 'IDENTITY_KEYS_MISMATCH'
  /** The stamp does not meet the difficulty (`Insufficient_proof_of_work`). */
  | 'INSUFFICIENT_PROOF_OF_WORK'
  /** The file cannot be read, is not JSON, or does not have the identity layout. */
  | 'IDENTITY_FILE_INVALID'
  | 'IDENTITY_FILE_NOT_FOUND'
  /** Refusing to overwrite an existing identity file (`Existent_identity_file`). */
  | 'IDENTITY_FILE_EXISTS';

/** Identity failures. Messages name files and peer ids, never key material. */
export class IdentityError extends CodedErrorOf<IdentityErrorCode> {
  override readonly name = 'IdentityError';
}
