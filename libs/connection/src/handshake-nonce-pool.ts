import type { CryptoBackend } from '@tezos-p2p/crypto';

/** Bytes of a connection message's nonce. */
export const MESSAGE_NONCE_SIZE = 24;
/** Nonces drawn per call to the random source. */
const BATCH = 128;

interface Pool {
  readonly bytes: Uint8Array;
  at: number;
}

/** One pool per backend, so a handshake's nonce comes from the backend it was asked to use. */
const pools = new WeakMap<CryptoBackend, Pool>();

/**
 * A fresh random nonce for our connection message. libsodium's `randombytes_buf` is one `getrandom`
 * syscall per call, i.e. one per handshake; drawing 128 nonces at once makes it one per 128. The
 * nonce travels in clear in the connection message (it only makes the nonce derivation unique), so
 * holding the next ones in memory reveals nothing a peer does not see anyway; each is handed out once.
 */
export function freshMessageNonce(backend: CryptoBackend): Uint8Array {
  let pool = pools.get(backend);
  if (pool === undefined || pool.at === pool.bytes.length) {
    pool = { bytes: backend.randomBytes(MESSAGE_NONCE_SIZE * BATCH), at: 0 };
    pools.set(backend, pool);
  }
  const nonce = pool.bytes.slice(pool.at, pool.at + MESSAGE_NONCE_SIZE);
  pool.at += MESSAGE_NONCE_SIZE;
  return nonce;
}
