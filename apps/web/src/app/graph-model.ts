import type { DevnetSnapshotJson } from '../devnet-api.js';
import type { ConnectionJson, PeerInfoJson, PointInfoJson } from './rpc-types.js';

/** What a vertex's fill colour says; `trusted` is drawn apart (a border), as it combines with any state. */
export type VertexState = 'self' | 'running' | 'accepted' | 'requested' | 'disconnected' | 'greylisted' | 'banned';

export interface Vertex {
  readonly id: string;
  readonly label: string;
  readonly kind: 'node' | 'peer' | 'point';
  readonly state: VertexState;
  readonly trusted: boolean;
  /** Peer id or point, for filtering and tooltips. */
  readonly title: string;
}

/** A connection, from the side that dialled to the side that accepted. */
export interface Edge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface GraphModel {
  readonly vertices: readonly Vertex[];
  readonly edges: readonly Edge[];
}

export const peerVertexId = (peerId: string): string => `peer:${peerId}`;
const pointVertexId = (point: string): string => `point:${point}`;
export const edgeId = (from: string, to: string): string => `conn:${from}>${to}`;

/** `idtXYZ…` is long: the first characters tell peers apart well enough on a drawing. */
export function shortPeerId(peerId: string): string {
  return peerId.length > 10 ? `${peerId.slice(0, 8)}…` : peerId;
}

/** The IP of a point text: `1.2.3.4:9732` or `[::1]:9732`. */
export function pointIp(point: string): string {
  const bracket = /^\[([^\]]+)\]/.exec(point);
  if (bracket) return bracket[1]!;
  const colon = point.lastIndexOf(':');
  return colon < 0 ? point : point.slice(0, colon);
}

/** What one node's RPC says about its neighbourhood (`/network/*` answers). */
export interface NodeInputs {
  readonly self: string;
  readonly connections: readonly ConnectionJson[];
  readonly peers: readonly (readonly [string, PeerInfoJson])[];
  readonly points: readonly (readonly [string, PointInfoJson])[];
  readonly greylistedPeers: readonly string[];
  readonly greylistedIps: readonly string[];
  /** Peer ids and points the node bans (`…/banned`), greylisting aside. */
  readonly banned: ReadonlySet<string>;
  /** For `greylisted_until`; ms since the epoch. */
  readonly now: number;
}

function listedState(base: VertexState, key: string, greylisted: boolean, banned: ReadonlySet<string>): VertexState {
  if (banned.has(key) && !greylisted) return 'banned';
  if (greylisted) return 'greylisted';
  return base;
}

/**
 * One node's view: itself, every known peer, and the known points not (or no longer) tied to a known
 * peer; one edge per running connection. A point tied to a peer (now or at its last connection) is
 * that peer's address, not a vertex of its own.
 */
export function nodeGraph(i: NodeInputs): GraphModel {
  const selfId = peerVertexId(i.self);
  const vertices: Vertex[] = [
    { id: selfId, label: `self ${shortPeerId(i.self)}`, kind: 'node', state: 'self', trusted: false, title: i.self },
  ];
  const greyPeers = new Set(i.greylistedPeers);
  const greyIps = new Set(i.greylistedIps);
  const known = new Set<string>();
  for (const [peerId, info] of i.peers) {
    if (peerId === i.self) continue;
    known.add(peerId);
    vertices.push({
      id: peerVertexId(peerId),
      label: shortPeerId(peerId),
      kind: 'peer',
      state: listedState(info.state, peerId, greyPeers.has(peerId), i.banned),
      trusted: info.trusted,
      title: peerId,
    });
  }
  for (const [point, info] of i.points) {
    const owner = info.p2p_peer_id ?? info.last_established_connection?.[0] ?? info.last_seen?.[0];
    if (owner !== undefined && known.has(owner)) continue;
    const until = info.greylisted_until === undefined ? NaN : Date.parse(info.greylisted_until);
    const greylisted = greyIps.has(pointIp(point)) || until > i.now;
    vertices.push({
      id: pointVertexId(point),
      label: point,
      kind: 'point',
      state: listedState(info.state.event_kind, point, greylisted, i.banned),
      trusted: info.trusted,
      title: point,
    });
  }
  const edges: Edge[] = [];
  for (const c of i.connections) {
    const peer = peerVertexId(c.peer_id);
    if (!known.has(c.peer_id)) {
      known.add(c.peer_id);
      vertices.push({
        id: peer,
        label: shortPeerId(c.peer_id),
        kind: 'peer',
        state: 'running',
        trusted: false,
        title: c.peer_id,
      });
    }
    const [source, target] = c.incoming ? [peer, selfId] : [selfId, peer];
    edges.push({ id: edgeId(source, target), source, target });
  }
  return { vertices, edges };
}

/**
 * The whole devnet: every node, and every connection once, from dialler to acceptor, whichever of its
 * two ends reports it. Peers outside the devnet appear as peers.
 */
export function devnetGraph(s: DevnetSnapshotJson): GraphModel {
  const vertices = new Map<string, Vertex>();
  const greylisted = new Set(s.nodes.flatMap((n) => n.greylisted_peers));
  for (const n of s.nodes) {
    const id = peerVertexId(n.peer_id);
    const state: VertexState = greylisted.has(n.peer_id)
      ? 'greylisted'
      : n.connections.length > 0
        ? 'running'
        : 'disconnected';
    vertices.set(id, { id, label: `node ${n.index}`, kind: 'node', state, trusted: false, title: n.peer_id });
  }
  const edges = new Map<string, Edge>();
  for (const n of s.nodes) {
    const self = peerVertexId(n.peer_id);
    for (const c of n.connections) {
      const peer = peerVertexId(c.peer_id);
      if (!vertices.has(peer))
        vertices.set(peer, {
          id: peer,
          label: shortPeerId(c.peer_id),
          kind: 'peer',
          state: greylisted.has(c.peer_id) ? 'greylisted' : 'running',
          trusted: false,
          title: c.peer_id,
        });
      const [source, target] = c.incoming ? [peer, self] : [self, peer];
      const id = edgeId(source, target);
      edges.set(id, { id, source, target });
    }
  }
  return { vertices: [...vertices.values()], edges: [...edges.values()] };
}
