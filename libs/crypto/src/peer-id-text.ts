import { hash } from 'node:crypto';
import type { PeerId } from '@tezos-p2p/wire';

/** Octez `Base58.cryptobox_public_key_hash` prefix "\153\103" (`id…`), as in libs/wire's peer-id. */
const PREFIX_0 = 153;
const PREFIX_1 = 103;
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** 22 bytes (prefix, hash, checksum) take 30 base-58 digits; the loop sizes itself anyway. */
const DIGITS = 32;

/**
 * The Base58Check text of a 16-byte peer-id hash — what `peerIdFromBytes` returns — with the
 * checksum's two SHA-256 done natively (`crypto.hash`, no hasher object) rather than in JavaScript:
 * every handshake derives the peer's id, and that JavaScript SHA-256 made it 15× the cost of the
 * Blake2b it encodes. The tests check it against `peerIdFromBytes` on random and edge-case inputs.
 */
export function peerIdText(hash16: Uint8Array): PeerId {
  const data = Buffer.allocUnsafe(22);
  data[0] = PREFIX_0;
  data[1] = PREFIX_1;
  data.set(hash16, 2);
  const once = hash('sha256', data.subarray(0, 18), 'buffer');
  hash('sha256', once, 'buffer').copy(data, 18, 0, 4);
  // Base conversion, most significant digit first (the prefix's first byte is not zero, so there are
  // no leading zero bytes to render as '1').
  const digits = new Uint8Array(DIGITS);
  let length = 0;
  for (let i = 0; i < data.length; i++) {
    let carry = data[i]!;
    for (let j = 0; j < length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits[length++] = carry % 58;
      carry = (carry / 58) | 0;
    }
  }
  let out = '';
  for (let j = length - 1; j >= 0; j--) out += ALPHABET[digits[j]!];
  return out as PeerId;
}
