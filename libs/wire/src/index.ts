/**
 * @packageDocumentation
 * The Octez P2P wire types: points, peer ids, network versions, the connection message, connection
 * metadata, Ack/Nack, P2P messages with caller-supplied application messages, the LAN discovery
 * datagram, and the JSON files (identity.json, peers.json) in Octez's layout.
 */
export { type PeerId, peerIdFromBytes, peerIdToBytes, parsePeerId, isPeerId, peerIdEncoding } from './peer-id.js';
export { Base58CheckError, b58checkEncode, b58checkDecode } from './base58check.js';
export {
  IpParseError,
  ipToBytes,
  formatIpv6,
  canonicalIp,
  displayIp,
  ipToP2pAddr,
  isV4Mapped,
  addressGroup,
} from './ip.js';
export {
  type Point,
  type ParsePointOptions,
  PointParseError,
  makePoint,
  pointToString,
  parsePoint,
  parsePointWithPeerId,
  pointEncoding,
} from './point.js';
export {
  type NetworkVersion,
  networkVersionEncoding,
  CHAIN_NAMES,
  SUPPORTED_P2P_VERSIONS,
  SUPPORTED_DISTRIBUTED_DB_VERSIONS,
  announcedVersion,
} from './network-version.js';
export { type LocalVersions, type VersionSelection, selectVersion } from './version-selection.js';
export {
  type ConnectionMessage,
  connectionMessageEncoding,
  encodeConnectionMessageFrame,
  decodeConnectionMessageFrame,
  CONNECTION_MESSAGE_HEADER,
  NONCE_SIZE,
} from './connection-message.js';
export {
  type ConnectionMetadataConfig,
  type ShellConnectionMetadata,
  shellConnectionMetadataEncoding,
  shellConnectionMetadataConfig,
} from './metadata.js';
export {
  type NackMotive,
  type KnownNackMotiveKind,
  nackMotiveCode,
  nackMotiveFromCode,
  describeNackMotive,
} from './rejection.js';
export { type Ack, ackEncoding, nackFor, NACK_MAX_POINTS } from './ack.js';
export {
  type P2pMessage,
  type P2pMessageKind,
  type AppMessageEncoding,
  type OpaqueAppMessages,
  type P2pMessageEncodingOptions,
  type RawAppMessage,
  p2pMessageEncoding,
  rawAppMessages,
} from './p2p-message.js';
export {
  type DiscoveryDatagram,
  discoveryDatagramEncoding,
  DISCOVERY_MAGIC,
  DISCOVERY_DATAGRAM_SIZE,
} from './discovery.js';
export { JsonShapeError, jsonValidator, type JsonValidator } from './json-schema.js';
export {
  TimestampParseError,
  formatTimestamp,
  parseTimestamp,
  type ConnectionPoint,
  connectionPointJson,
  type ConnectionPointJson,
} from './json-conventions.js';
export {
  type IdentityJson,
  type IdentityFields,
  identityJson,
  identityFromJson,
  identityToJson,
} from './identity-file.js';
export {
  type PeersFileEntry,
  type PeerEventJson,
  type PeerEventKindJson,
  type StampedConnectionPointJson,
  peersFile,
} from './peers-file.js';
export {
  type PeerMetadataConfig,
  type ShellPeerMetadata,
  type MessageKindCounter,
  shellPeerMetadataConfig,
} from './peer-metadata.js';
