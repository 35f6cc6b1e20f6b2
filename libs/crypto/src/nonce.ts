import type { CryptoBackend } from './backend.js';
import { CryptoError } from './errors.js';

export const NONCE_SIZE = 24;

function checkNonce(n: Uint8Array): void {
  if (n.length !== NONCE_SIZE)
    throw new CryptoError('INVALID_NONCE_LENGTH', `a nonce is ${NONCE_SIZE} bytes, got ${n.length}`);
}

/**
 * Add `step` to a 24-byte nonce read as a big-endian integer, wrapping modulo 2^192, in place
 * (HACL `Nonce.increment`; libsodium's `sodium_increment` is little-endian and must not be used).
 */
export function incrementNonceInPlace(n: Uint8Array, step = 1): void {
  if (step === 1) {
    // Every chunk sent or received: the carry loop without its arithmetic, usually one byte touched.
    for (let i = n.length - 1; i >= 0; i--) if ((n[i] = (n[i]! + 1) & 0xff) !== 0) return;
    return;
  }
  let carry = step;
  for (let i = n.length - 1; i >= 0 && carry !== 0; i--) {
    const v = n[i]! + (carry & 0xff);
    n[i] = v & 0xff;
    carry = (carry >>> 8) + (v >> 8);
  }
}

/** `incrementNonceInPlace` on a copy. */
export function incrementNonce(n: Uint8Array, step = 1): Uint8Array {
  checkNonce(n);
  const c = Uint8Array.from(n);
  incrementNonceInPlace(c, step);
  return c;
}

export interface NonceInputs {
  /** True on the accepting (responder) side. */
  readonly incoming: boolean;
  /** Our raw connection message, 2-byte length prefix included. */
  readonly sentMessage: Uint8Array;
  /** The peer's raw connection message, 2-byte length prefix included. */
  readonly receivedMessage: Uint8Array;
}

export interface ChannelNonces {
  /** Nonce of our first sent chunk. */
  readonly local: Uint8Array;
  /** Nonce of the peer's first chunk. */
  readonly remote: Uint8Array;
}

const INIT_TO_RESP = new TextEncoder().encode('Init -> Resp');
const RESP_TO_INIT = new TextEncoder().encode('Resp -> Init');

/**
 * `Crypto_box.generate_nonces`: Blake2b-256 over the initiator's message, the responder's message
 * and a label, first 24 bytes. The initiator sends under "Resp -> Init" and receives under
 * "Init -> Resp"; the responder is the mirror image.
 */
export function generateNonces(backend: CryptoBackend, inputs: NonceInputs): ChannelNonces {
  const init = inputs.incoming ? inputs.receivedMessage : inputs.sentMessage;
  const resp = inputs.incoming ? inputs.sentMessage : inputs.receivedMessage;
  const initToResp = backend.blake2b(32, [init, resp, INIT_TO_RESP]).subarray(0, NONCE_SIZE);
  const respToInit = backend.blake2b(32, [init, resp, RESP_TO_INIT]).subarray(0, NONCE_SIZE);
  return inputs.incoming
    ? { local: Uint8Array.from(initToResp), remote: Uint8Array.from(respToInit) }
    : { local: Uint8Array.from(respToInit), remote: Uint8Array.from(initToResp) };
}
