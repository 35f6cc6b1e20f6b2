import {
  type ConnectionPoint,
  type PeerEventJson,
  type PeerId,
  type PeersFileEntry,
  type StampedConnectionPointJson,
  connectionPointJson,
  formatTimestamp,
} from '@tezos-p2p/wire';
import { PoolError } from './errors.js';
import { EVENT_LOG_SIZE, Ring } from './ring.js';
import { type Stamped, recent } from './stamps.js';

/** `P2p_peer_state.t`. */
export type PeerState<C, ConnMeta> =
  | { readonly kind: 'Disconnected' }
  | { readonly kind: 'Accepted'; readonly currentPoint: ConnectionPoint; readonly cancel: () => void }
  | {
      readonly kind: 'Running';
      readonly connection: C;
      readonly connMetadata: ConnMeta;
      readonly currentPoint: ConnectionPoint;
    };

/** `P2p_peer.Pool_event.kind`, with the point it concerns. */
export type PeerEventKind =
  | 'Accepting_request'
  | 'Rejecting_request'
  | 'Request_rejected'
  | 'Connection_established'
  | 'Disconnection'
  | 'External_disconnection';

export interface PeerEvent {
  readonly kind: PeerEventKind;
  readonly at: number;
  readonly point: ConnectionPoint;
}

const PEER_EVENT_JSON: Record<PeerEventKind, PeerEventJson['kind']> = {
  Accepting_request: 'incoming_request',
  Rejecting_request: 'rejecting_request',
  Request_rejected: 'request_rejected',
  Connection_established: 'connection_established',
  Disconnection: 'disconnection',
  External_disconnection: 'external_disconnection',
};
const PEER_EVENT_FROM_JSON = Object.fromEntries(Object.entries(PEER_EVENT_JSON).map(([k, v]) => [v, k])) as Record<
  PeerEventJson['kind'],
  PeerEventKind
>;

export function peerEventToJson(e: PeerEvent): PeerEventJson {
  const p = connectionPointJson(e.point);
  return { kind: PEER_EVENT_JSON[e.kind], timestamp: formatTimestamp(e.at), ...p };
}

export function peerEventKindFromJson(kind: PeerEventJson['kind']): PeerEventKind {
  return PEER_EVENT_FROM_JSON[kind];
}

/** Everything the pool knows about one peer (`P2p_peer_state.Info.t`). */
export class PeerInfo<C, PeerMeta, ConnMeta> {
  trusted = false;
  state: PeerState<C, ConnMeta> = { kind: 'Disconnected' };
  /** Only ever loaded from peers.json; Octez no longer sets it. */
  lastFailedConnection: Stamped<ConnectionPoint> | undefined;
  lastRejectedConnection: Stamped<ConnectionPoint> | undefined;
  lastEstablishedConnection: Stamped<ConnectionPoint> | undefined;
  lastDisconnection: Stamped<ConnectionPoint> | undefined;
  readonly events = new Ring<PeerEvent>(EVENT_LOG_SIZE);
  /** Undefined until read or set: the shell's initial metadata alone is a dozen objects per peer. */
  private metadata: PeerMeta | undefined;

  /**
   * `initialMetadata` makes the metadata of a peer that has none stored (`PeerMetadataConfig.initial`,
   * a fresh value each call); `metadata` is one loaded from peers.json.
   */
  constructor(
    readonly peerId: PeerId,
    readonly created: number,
    private readonly initialMetadata: () => PeerMeta,
    metadata?: PeerMeta,
  ) {
    this.metadata = metadata;
  }

  /** The peer's metadata, made from `initialMetadata` on first access and kept (callers update it in place). */
  get peerMetadata(): PeerMeta {
    return (this.metadata ??= this.initialMetadata());
  }

  set peerMetadata(m: PeerMeta) {
    this.metadata = m;
  }

  /** For reading only (scores, peers.json): the stored metadata, or an initial value that is not kept. */
  readMetadata(): PeerMeta {
    return this.metadata ?? this.initialMetadata();
  }

  private log(kind: PeerEventKind, at: number, point: ConnectionPoint): void {
    this.events.push({ kind, at, point });
  }

  private refuse(what: string): never {
    throw new PoolError('INVALID_TRANSITION', `peer ${this.peerId}: cannot ${what} from state ${this.state.kind}`);
  }

  setAccepted(now: number, point: ConnectionPoint, cancel: () => void): void {
    if (this.state.kind !== 'Disconnected') this.refuse('accept');
    this.state = { kind: 'Accepted', currentPoint: point, cancel };
    this.log('Accepting_request', now, point);
  }

  setRunning(now: number, point: ConnectionPoint, connection: C, connMetadata: ConnMeta): void {
    const s = this.state;
    if (
      s.kind === 'Running' ||
      (s.kind === 'Accepted' && (s.currentPoint.ip !== point.ip || s.currentPoint.port !== point.port))
    )
      this.refuse('run');
    this.state = { kind: 'Running', connection, connMetadata, currentPoint: point };
    this.lastEstablishedConnection = { value: point, at: now };
    this.log('Connection_established', now, point);
  }

  setDisconnected(now: number, requested = false): void {
    const s = this.state;
    if (s.kind === 'Disconnected') this.refuse('disconnect');
    if (s.kind === 'Accepted') {
      this.lastRejectedConnection = { value: s.currentPoint, at: now };
      this.log('Request_rejected', now, s.currentPoint);
    } else {
      this.lastDisconnection = { value: s.currentPoint, at: now };
      this.log(requested ? 'Disconnection' : 'External_disconnection', now, s.currentPoint);
    }
    this.state = { kind: 'Disconnected' };
  }

  get lastSeen(): Stamped<ConnectionPoint> | undefined {
    return recent(this.lastEstablishedConnection, recent(this.lastRejectedConnection, this.lastDisconnection));
  }

  get lastMiss(): Stamped<ConnectionPoint> | undefined {
    return recent(this.lastFailedConnection, recent(this.lastRejectedConnection, this.lastDisconnection));
  }

  /** The peers.json element (`P2p_peer_state.Info.encoding`), keys in Octez's order. */
  toFileEntry(metaToJson: (m: PeerMeta) => unknown): PeersFileEntry {
    const stamped = (x: Stamped<ConnectionPoint> | undefined): StampedConnectionPointJson | undefined =>
      x === undefined ? undefined : [connectionPointJson(x.value), formatTimestamp(x.at)];
    const e: PeersFileEntry = {
      peer_id: this.peerId,
      created: formatTimestamp(this.created),
      ...(this.trusted ? { trusted: true } : {}),
      peer_metadata: metaToJson(this.readMetadata()),
    };
    const events = this.events.toArray();
    if (events.length > 0) e.events = events.map(peerEventToJson);
    const set = (
      k: 'last_failed_connection' | 'last_rejected_connection' | 'last_established_connection' | 'last_disconnection',
      v: StampedConnectionPointJson | undefined,
    ) => {
      if (v !== undefined) e[k] = v;
    };
    set('last_failed_connection', stamped(this.lastFailedConnection));
    set('last_rejected_connection', stamped(this.lastRejectedConnection));
    set('last_established_connection', stamped(this.lastEstablishedConnection));
    set('last_disconnection', stamped(this.lastDisconnection));
    return e;
  }

  /** Restore what peers.json holds; the state is always Disconnected after a load. */
  restore(
    e: PeersFileEntry,
    parsePoint: (j: { addr: string; port?: number }) => ConnectionPoint,
    parseTime: (t: string) => number,
  ): void {
    this.trusted = e.trusted ?? false;
    for (const ev of e.events ?? [])
      this.events.push({ kind: peerEventKindFromJson(ev.kind), at: parseTime(ev.timestamp), point: parsePoint(ev) });
    const stamped = (x: StampedConnectionPointJson | undefined): Stamped<ConnectionPoint> | undefined =>
      x === undefined ? undefined : { value: parsePoint(x[0]), at: parseTime(x[1]) };
    this.lastFailedConnection = stamped(e.last_failed_connection);
    this.lastRejectedConnection = stamped(e.last_rejected_connection);
    this.lastEstablishedConnection = stamped(e.last_established_connection);
    this.lastDisconnection = stamped(e.last_disconnection);
  }
}
