import { type Encoding, Fixed, conv, int16, tuple } from '@tezos-p2p/encoding';
import { type PeerId, peerIdEncoding } from './peer-id.js';

/** The LAN discovery datagram (`P2p_discovery.Message`): 28 bytes, no framing. */
export interface DiscoveryDatagram {
  readonly peerId: PeerId;
  /** The sender's listening port, a signed int16 on the wire (ports above 32767 cannot be announced). */
  readonly port: number;
}

export const DISCOVERY_MAGIC = 'DISCOMAGIC';
export const DISCOVERY_DATAGRAM_SIZE = 28;

export const discoveryDatagramEncoding: Encoding<DiscoveryDatagram> = conv(
  tuple(Fixed.string(10), peerIdEncoding, int16),
  (d: DiscoveryDatagram): [string, PeerId, number] => [DISCOVERY_MAGIC, d.peerId, d.port],
  ([magic, peerId, port]) => {
    if (magic !== DISCOVERY_MAGIC) throw new Error(`bad magic ${JSON.stringify(magic)}`);
    return { peerId, port };
  },
  'discovery_datagram',
);
