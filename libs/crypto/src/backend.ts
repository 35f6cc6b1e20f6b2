import { CryptoError } from './errors.js';

/**
 * The primitives the P2P layer needs, with one implementation per backend. All byte arguments are
 * fixed-size (keys 32 bytes, nonces 24) and checked by the callers in this lib.
 */
export interface CryptoBackend {
  readonly name: 'native' | 'js';
  /** X25519 public key of a secret key (`Box.neuterize`). */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /**
   * NaCl `crypto_box_beforenm`: HSalsa20(X25519(sk, pk), 0). Throws `LOW_ORDER_PUBLIC_KEY` when the
   * shared point is all zero, as HACL does.
   */
  precompute(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /**
   * XSalsa20-Poly1305 with a precomputed key (`crypto_box_afternm`): writes the 16-byte tag then the
   * ciphertext into `out` at `offset` (`out` needs `plain.length + 16` bytes there).
   */
  sealInto(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, out: Uint8Array, offset: number): void;
  /** Opens `tag ‖ ciphertext`; `undefined` when the MAC does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, boxed: Uint8Array): Uint8Array | undefined;
  /**
   * Opens `tag ‖ ciphertext` writing the plaintext into `out` (exactly `boxed.length − 16` bytes);
   * false when the MAC does not verify (`out` then holds garbage). Saves an allocation per chunk.
   */
  openInto(key: Uint8Array, nonce: Uint8Array, boxed: Uint8Array, out: Uint8Array): boolean;
  /** Unkeyed Blake2b with the given digest length over the concatenation of `parts`. */
  blake2b(outLength: number, parts: readonly Uint8Array[]): Uint8Array;
  randomBytes(n: number): Uint8Array;
  /** Constant-time equality of two equal-length byte strings (false if lengths differ). */
  equal(a: Uint8Array, b: Uint8Array): boolean;
}

export type BackendName = CryptoBackend['name'];

export function checkDigestLength(n: number): void {
  if (!Number.isInteger(n) || n < 16 || n > 64)
    throw new CryptoError('INVALID_DIGEST_LENGTH', `Blake2b digest length must be in [16, 64], got ${n}`);
}

/** Environment variable forcing a backend: `native` or `js`. */
export const CRYPTO_BACKEND_ENV = 'TEZOS_P2P_CRYPTO';

export function requestedBackend(explicit?: BackendName): BackendName | undefined {
  if (explicit) return explicit;
  const env = process.env[CRYPTO_BACKEND_ENV];
  if (env === undefined || env === '' || env === 'auto') return undefined;
  if (env === 'native' || env === 'js') return env;
  throw new CryptoError('BACKEND_UNAVAILABLE', `${CRYPTO_BACKEND_ENV}=${env}: expected native, js or auto`);
}
