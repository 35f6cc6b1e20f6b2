/**
 * @packageDocumentation
 * The Octez P2P wire types: points, peer ids, network versions, the connection message, connection
 * metadata, Ack/Nack, P2P messages with caller-supplied application messages, the LAN discovery
 * datagram, and the JSON files (identity.json, peers.json) in Octez's layout.
 */
export { type PeerId, PEER_ID_PREFIX, PEER_ID_SIZE, peerIdFromBytes, peerIdToBytes, parsePeerId, isPeerId, peerIdEncoding } from './peer-id.js';
export { Base58CheckError, b58checkEncode, b58checkDecode } from './base58check.js';
export { IpParseError, ipToBytes, formatIpv6, canonicalIp, displayIp, ipToP2pAddr, isV4Mapped, isIpv4 } from './ip.js';
export {
  type Point, type ParsePointOptions, PointParseError, makePoint, pointToString, pointEquals, parsePoint, parsePointWithPeerId,
  pointEncoding, POINT_MAX_ENCODED_SIZE,
} from './point.js';
export {
  type NetworkVersion, networkVersionEncoding, CHAIN_NAMES, SUPPORTED_P2P_VERSIONS, SUPPORTED_DISTRIBUTED_DB_VERSIONS, announcedVersion,
} from './network-version.js';
export { type LocalVersions, type VersionSelection, selectVersion } from './version-selection.js';
export {
  type ConnectionMessage, connectionMessageEncoding, encodeConnectionMessageFrame, decodeConnectionMessageFrame, CONNECTION_MESSAGE_HEADER,
  PUBLIC_KEY_SIZE, NONCE_SIZE,
} from './connection-message.js';
export { type ConnectionMetadataConfig, type ShellConnectionMetadata, shellConnectionMetadataEncoding, shellConnectionMetadataConfig } from './metadata.js';
export { type NackMotive, type KnownNackMotiveKind, nackMotive, nackMotiveCode, nackMotiveFromCode, describeNackMotive } from './rejection.js';
export { type Ack, ackEncoding, nackFor, NACK_MAX_POINTS } from './ack.js';
export {
  type P2pMessage, type P2pMessageKind, type AppMessageEncoding, type OpaqueAppMessages, type P2pMessageEncodingOptions, type RawAppMessage,
  p2pMessageEncoding, p2pMessageKindName, rawAppMessages, TAG_DISCONNECT, TAG_BOOTSTRAP, TAG_ADVERTISE, TAG_SWAP_REQUEST, TAG_SWAP_ACK,
  FIRST_APP_TAG, P2P_MESSAGE_MAX_SIZE, ADVERTISE_MAX_POINTS,
} from './p2p-message.js';
export { type DiscoveryDatagram, discoveryDatagramEncoding, DISCOVERY_MAGIC, DISCOVERY_DATAGRAM_SIZE } from './discovery.js';
export { JsonShapeError, jsonValidator, type JsonValidator } from './json-schema.js';
export { TimestampParseError, formatTimestamp, parseTimestamp, connectionPointJson, pointConnectionJson, type ConnectionPointJson } from './json-conventions.js';
export { type IdentityJson, type IdentityFields, identityJson, identityJsonSchema, identityFromJson, identityToJson } from './identity-file.js';
export { type PeersFileEntry, type PeerEventJson, type PeerEventKindJson, type StampedConnectionPointJson, peersFile, peersFileSchema } from './peers-file.js';
export { type PeerMetadataConfig, type ShellPeerMetadata, type MessageKindCounter, shellPeerMetadataConfig, shellPeerMetadataSchema, incrShellPeerMetadata } from './peer-metadata.js';
