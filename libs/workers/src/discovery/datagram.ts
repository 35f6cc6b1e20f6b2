import { DecodeError, bytesEqual, decode, encode } from '@tezos-p2p/encoding';
import { DISCOVERY_DATAGRAM_SIZE, DISCOVERY_MAGIC, type PeerId, discoveryDatagramEncoding } from '@tezos-p2p/wire';
import type { DiscoveryParseErrorReason } from './events.js';

const MAGIC_BYTES = new TextEncoder().encode(DISCOVERY_MAGIC);

/** `Message.make`: the 28 bytes the sender broadcasts. The caller has checked the port fits an int16. */
export function makeDiscoveryDatagram(peerId: PeerId, listeningPort: number): Uint8Array {
  return encode(discoveryDatagramEncoding, { peerId, port: listeningPort });
}

export type DiscoveryDatagramCheck =
  | { readonly ok: true; readonly peerId: PeerId; readonly port: number }
  | { readonly ok: false; readonly reason: DiscoveryParseErrorReason; readonly detail: string };

/**
 * The answer worker's checks on the payload, in Octez's order: length, decoding with the magic key.
 * (The source family and our own peer id are checked by the caller.) Octez reads into a 28-byte
 * buffer, so a longer datagram would be truncated by the kernel and judged on its first 28 bytes;
 * Node hands us whole datagrams and we require exactly 28, which no Octez sender ever exceeds.
 */
export function checkDiscoveryDatagram(bytes: Uint8Array): DiscoveryDatagramCheck {
  if (bytes.length !== DISCOVERY_DATAGRAM_SIZE) {
    return { ok: false, reason: 'WRONG_SIZE', detail: `${bytes.length} bytes, expected ${DISCOVERY_DATAGRAM_SIZE}` };
  }
  if (!bytesEqual(bytes.subarray(0, MAGIC_BYTES.length), MAGIC_BYTES)) {
    return { ok: false, reason: 'BAD_MAGIC', detail: `does not start with ${JSON.stringify(DISCOVERY_MAGIC)}` };
  }
  let value: { peerId: PeerId; port: number };
  try {
    value = decode(discoveryDatagramEncoding, bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { ok: false, reason: 'UNDECODABLE', detail: e.message };
  }
  // Octez would register the point with a negative port; our points are 0–65535, so it is dropped.
  if (value.port < 0) return { ok: false, reason: 'BAD_PORT', detail: `announced port ${value.port}` };
  return { ok: true, peerId: value.peerId, port: value.port };
}
