import type { AclAddress } from '@tezos-p2p/acl';
import { type PeerId, type Point, formatTimestamp, pointToString } from '@tezos-p2p/wire';
import { PoolError } from './errors.js';
import { type ReconnectionConfig, type ReconnectionInfo, afterDisconnection, afterFailure } from './reconnection.js';
import { EVENT_LOG_SIZE, Ring } from './ring.js';
import { type Stamped, maxTime, recent } from './stamps.js';

/** `P2p_point_state.t`, with the connection object of a running point. */
export type PointState<C> =
  | { readonly kind: 'Disconnected' }
  | { readonly kind: 'Requested'; readonly cancel: () => void }
  | { readonly kind: 'Accepted'; readonly peerId: PeerId; readonly cancel: () => void }
  | { readonly kind: 'Running'; readonly peerId: PeerId; readonly connection: C };

/** `P2p_point.Pool_event.kind`. */
export type PointEventKind =
  | { readonly kind: 'Outgoing_request' }
  | { readonly kind: 'Accepting_request'; readonly peerId: PeerId }
  | { readonly kind: 'Rejecting_request'; readonly peerId: PeerId }
  | { readonly kind: 'Request_rejected'; readonly peerId: PeerId | undefined }
  | { readonly kind: 'Connection_established'; readonly peerId: PeerId }
  | { readonly kind: 'Disconnection'; readonly peerId: PeerId }
  | { readonly kind: 'External_disconnection'; readonly peerId: PeerId };

export type PointEvent = Stamped<PointEventKind>;

/** Everything the pool knows about one point (`P2p_point_state.Info.t`). */
export class PointInfo<C> {
  trusted: boolean;
  state: PointState<C> = { kind: 'Disconnected' };
  lastFailedConnection: number | undefined;
  lastRejectedConnection: Stamped<PeerId> | undefined;
  lastEstablishedConnection: Stamped<PeerId> | undefined;
  lastDisconnection: Stamped<PeerId> | undefined;
  /** Set by a completed handshake: the remote did not announce itself private. Starts false. */
  knownPublic = false;
  reconnectionInfo: ReconnectionInfo | undefined;
  expectedPeerId: PeerId | undefined;
  readonly events = new Ring<PointEvent>(EVENT_LOG_SIZE);
  /** The point's address as the pool's ACL parsed it, kept so ban checks do not re-hash it. */
  aclAddress: AclAddress | undefined;
  /** The pool's last ban check of the address, valid while the ACL's `addressBansVersion` is `bannedVersion`. */
  banned = false;
  bannedVersion = -1;
  #key: string | undefined;

  /** `key`, when the caller already made it (`pointToString(point)`): one string for the table and the info. */
  constructor(
    readonly point: Point,
    opts: { trusted?: boolean; expectedPeerId?: PeerId | undefined } = {},
    key?: string,
  ) {
    this.trusted = opts.trusted ?? false;
    this.expectedPeerId = opts.expectedPeerId;
    this.#key = key;
  }

  /** Made once: the maintenance and the tables key points by it, over the whole table at each step. */
  get key(): string {
    return (this.#key ??= pointToString(this.point));
  }

  private log(kind: PointEventKind, at: number): void {
    this.events.push({ value: kind, at });
  }

  private refuse(what: string): never {
    throw new PoolError('INVALID_TRANSITION', `point ${this.key}: cannot ${what} from state ${this.state.kind}`);
  }

  setRequested(now: number, cancel: () => void): void {
    if (this.state.kind !== 'Disconnected' && this.state.kind !== 'Requested') this.refuse('request');
    this.state = { kind: 'Requested', cancel };
    this.log({ kind: 'Outgoing_request' }, now);
  }

  setAccepted(now: number, peerId: PeerId, cancel: () => void): void {
    if (this.state.kind !== 'Disconnected' && this.state.kind !== 'Requested') this.refuse('accept');
    this.state = { kind: 'Accepted', peerId, cancel };
    this.log({ kind: 'Accepting_request', peerId }, now);
  }

  setRunning(now: number, peerId: PeerId, connection: C): void {
    const s = this.state;
    if (s.kind === 'Running' || (s.kind === 'Accepted' && s.peerId !== peerId)) this.refuse(`run with ${peerId}`);
    this.state = { kind: 'Running', peerId, connection };
    this.lastEstablishedConnection = { value: peerId, at: now };
    this.log({ kind: 'Connection_established', peerId }, now);
  }

  /** `set_disconnected`: the outcome depends on where the point was (pool.md §2). */
  setDisconnected(now: number, cfg: ReconnectionConfig, requested = false): void {
    const s = this.state;
    switch (s.kind) {
      case 'Requested':
        this.reconnectionInfo = afterFailure(cfg, this.reconnectionInfo, now);
        this.lastFailedConnection = now;
        this.log({ kind: 'Request_rejected', peerId: undefined }, now);
        break;
      case 'Accepted':
        this.reconnectionInfo = afterFailure(cfg, this.reconnectionInfo, now);
        this.lastRejectedConnection = { value: s.peerId, at: now };
        this.log({ kind: 'Request_rejected', peerId: s.peerId }, now);
        break;
      case 'Running':
        this.reconnectionInfo = afterDisconnection(cfg, now);
        this.lastDisconnection = { value: s.peerId, at: now };
        this.log(
          requested
            ? { kind: 'Disconnection', peerId: s.peerId }
            : { kind: 'External_disconnection', peerId: s.peerId },
          now,
        );
        break;
      case 'Disconnected':
        this.refuse('disconnect');
    }
    this.state = { kind: 'Disconnected' };
  }

  /** `set_private`: a private remote is never advertised. */
  setPrivate(isPrivate: boolean): void {
    this.knownPublic = !isPrivate;
  }

  get lastSeen(): Stamped<PeerId> | undefined {
    return recent(this.lastRejectedConnection, recent(this.lastEstablishedConnection, this.lastDisconnection));
  }

  get lastMiss(): number | undefined {
    return maxTime(this.lastFailedConnection, recent(this.lastRejectedConnection, this.lastDisconnection)?.at);
  }

  cannotReconnectYet(now: number): boolean {
    return this.reconnectionInfo !== undefined && now <= this.reconnectionInfo.endTime;
  }

  get reconnectionTime(): number | undefined {
    return this.reconnectionInfo?.endTime;
  }

  get peerId(): PeerId | undefined {
    const s = this.state;
    return s.kind === 'Accepted' || s.kind === 'Running' ? s.peerId : undefined;
  }

  /** RPC point info (`P2p_point.Info.encoding`). */
  toJson(): Record<string, unknown> {
    const s = this.state;
    const state: Record<string, unknown> = { event_kind: s.kind.toLowerCase() };
    if (s.kind === 'Accepted' || s.kind === 'Running') state['p2p_peer_id'] = s.peerId;
    const j: Record<string, unknown> = { trusted: this.trusted };
    if (this.reconnectionTime !== undefined) j['greylisted_until'] = formatTimestamp(this.reconnectionTime);
    j['state'] = state;
    if (this.peerId !== undefined) j['p2p_peer_id'] = this.peerId;
    const pair = (x: Stamped<PeerId> | undefined) => (x === undefined ? undefined : [x.value, formatTimestamp(x.at)]);
    const opt = (k: string, v: unknown) => {
      if (v !== undefined) j[k] = v;
    };
    opt(
      'last_failed_connection',
      this.lastFailedConnection === undefined ? undefined : formatTimestamp(this.lastFailedConnection),
    );
    opt('last_rejected_connection', pair(this.lastRejectedConnection));
    opt('last_established_connection', pair(this.lastEstablishedConnection));
    opt('last_disconnection', pair(this.lastDisconnection));
    opt('last_seen', pair(this.lastSeen));
    opt('last_miss', this.lastMiss === undefined ? undefined : formatTimestamp(this.lastMiss));
    opt('expected_peer_id', this.expectedPeerId);
    return j;
  }
}

/**
 * `P2p_point.Pool_event` JSON: `[timestamp, {event_kind, p2p_peer_id?}]`. Octez's encoding prints
 * `"rejecting_request"` for Connection_established, Disconnection and External_disconnection (a
 * copy-paste in `kind_encoding`); reproduced for byte-compatible RPC output.
 */
export function pointEventToJson(e: PointEvent): [string, Record<string, unknown>] {
  const k = e.value;
  const name: Record<PointEventKind['kind'], string> = {
    Outgoing_request: 'outgoing_request',
    Accepting_request: 'accepting_request',
    Rejecting_request: 'rejecting_request',
    Request_rejected: 'request_rejected',
    Connection_established: 'rejecting_request',
    Disconnection: 'rejecting_request',
    External_disconnection: 'rejecting_request',
  };
  const body: Record<string, unknown> = { event_kind: name[k.kind] };
  if (k.kind !== 'Outgoing_request' && k.peerId !== undefined) body['p2p_peer_id'] = k.peerId;
  return [formatTimestamp(e.at), body];
}
