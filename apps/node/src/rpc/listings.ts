import { connectionInfoJson, peerInfoJson } from './encoders.js';
import type { NodeP2p } from './types.js';

export const PEER_FILTERS = ['accepted', 'running', 'disconnected'] as const;
export const POINT_FILTERS = ['requested', 'accepted', 'running', 'disconnected'] as const;

/** `[peer_id, peer_info]` of every known peer whose state matches one of `filters` (all without filters). */
export function peersListing(p2p: NodeP2p, filters: readonly string[]): [string, unknown][] {
  return p2p
    .knownPeers((i) => filters.length === 0 || filters.includes(i.state.kind.toLowerCase()))
    .map((i) => [i.peerId, peerInfoJson(p2p, i)]);
}

/** `[point, point_info]` of every known point whose state matches one of `filters`. */
export function pointsListing(p2p: NodeP2p, filters: readonly string[]): [string, unknown][] {
  return p2p
    .knownPoints((i) => filters.length === 0 || filters.includes(i.state.kind.toLowerCase()))
    .map((i) => [i.key, i.toJson()]);
}

/** Connection info of every running connection. */
export function connectionsListing(p2p: NodeP2p): Record<string, unknown>[] {
  return p2p.connections().map((c) => connectionInfoJson(c.connection.info));
}
