/**
 * @packageDocumentation
 * Octez's `P2p_pool`: known points and peers with their state machines, running connections, GC of
 * the tables, bans and greylists, the known-points sample shared in Advertise and Nack, and peers.json.
 */
export { Pool, type SwapProposal } from './pool.js';
export { type PoolOptions, type TableBounds } from './pool-config.js';
export { type PoolConnection } from './pool-connection.js';
export { PointInfo, type PointState, type PointEvent, type PointEventKind, pointEventToJson } from './point-info.js';
export { PeerInfo, type PeerState, type PeerEvent, type PeerEventKind, peerEventToJson } from './peer-info.js';
export { type ReconnectionConfig, type ReconnectionInfo } from './reconnection.js';
export { PoolError, type PoolErrorCode } from './errors.js';
export { type LoadedPeers } from './peers-store.js';
export { type Stamped } from './stamps.js';
export { sample } from './known-points.js';
