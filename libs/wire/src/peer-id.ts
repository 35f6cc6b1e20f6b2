import { EncodeError, type Encoding, Fixed, conv } from '@tezos-p2p/encoding';
import { b58checkDecode, b58checkEncode } from './base58check.js';

/**
 * A peer id: the 16-byte Blake2b-128 hash of a peer's public key, held in its Base58Check text form
 * (`id…`, 30 characters), which is how Octez shows it in JSON, RPCs and logs. Being a string, it is
 * directly usable as a Map key and in events.
 */
export type PeerId = string & { readonly __brand: 'PeerId' };

/** Octez `Base58.cryptobox_public_key_hash` prefix "\153\103". */
export const PEER_ID_PREFIX = new Uint8Array([153, 103]);
export const PEER_ID_SIZE = 16;

export function peerIdFromBytes(bytes: Uint8Array): PeerId {
  if (bytes.length !== PEER_ID_SIZE) throw new RangeError(`a peer id is ${PEER_ID_SIZE} bytes, got ${bytes.length}`);
  return b58checkEncode(PEER_ID_PREFIX, bytes) as PeerId;
}

export function peerIdToBytes(id: PeerId): Uint8Array {
  return b58checkDecode(id, PEER_ID_PREFIX, PEER_ID_SIZE);
}

/** Validate a text peer id; throws a Base58CheckError (a RangeError) naming the problem. */
export function parsePeerId(text: string): PeerId {
  const bytes = b58checkDecode(text, PEER_ID_PREFIX, PEER_ID_SIZE);
  return peerIdFromBytes(bytes); // re-encode: canonical form
}

export function isPeerId(text: unknown): text is PeerId {
  if (typeof text !== 'string' || text.length !== 30 || !text.startsWith('id')) return false;
  try {
    b58checkDecode(text, PEER_ID_PREFIX, PEER_ID_SIZE);
    return true;
  } catch {
    return false;
  }
}

/** 16 raw bytes on the wire (`P2p_peer.Id.encoding`). */
export const peerIdEncoding: Encoding<PeerId> = conv(
  Fixed.bytes(PEER_ID_SIZE),
  (id: PeerId) => {
    try {
      return peerIdToBytes(id);
    } catch (e) {
      throw new EncodeError('INVALID_VALUE', `not a peer id: ${String(id)} (${(e as Error).message})`);
    }
  },
  (b) => peerIdFromBytes(b),
  'peer_id',
);
