import { createHash } from 'node:crypto';
import { Acl } from '@tezos-p2p/acl';
import type { DisconnectReason } from '@tezos-p2p/connection';
import { type Clock, EventBus, type Rng, randomInt, systemClock, systemRng } from '@tezos-p2p/events';
import {
  type ConnectionPoint,
  type PeerId,
  type PeerMetadataConfig,
  type Point,
  canonicalIp,
  parsePeerId,
  parseTimestamp,
  pointToString,
} from '@tezos-p2p/wire';
import { PoolError } from './errors.js';
import { peersToCollect, pointsToCollect } from './gc.js';
import { knownPointsSample } from './known-points.js';
import { LruSet } from './lru-set.js';
import { PeerInfo } from './peer-info.js';
import { PeersAutosave } from './peers-autosave.js';
import {
  type LoadedPeers,
  loadPeersFile,
  peersFileText,
  persistent,
  removeStrayTemp,
  savePeersFile,
} from './peers-store.js';
import {
  DEFAULT_PEERS_FILE_SAVE_INTERVAL_MS,
  type PoolOptions,
  type TableBounds,
  checkBounds,
  checkSaveInterval,
} from './pool-config.js';
import type { PoolConnection } from './pool-connection.js';
import { PointInfo } from './point-info.js';
import { DEFAULT_RECONNECTION, type ReconnectionConfig } from './reconnection.js';

/** Capacity of the set of points found to be ourselves. */
const MY_ID_POINTS = 7;

export interface SwapProposal<C> {
  readonly recipient: C;
  readonly point: Point;
  readonly peerId: PeerId;
}

/**
 * The pool of known points, known peers and running connections (`P2p_pool`), with the same
 * semantics as Octez: registration and GC, the point and peer state machines (driven by the connect
 * handler through `PointInfo` / `PeerInfo`), bans and greylists, the known-points sample shared in
 * Advertise and Nack, and peers.json. It emits `New_point`, `New_peer`, `Gc_points` and `Gc_peer_ids`
 * on the bus and fires the `newPoint` / `newPeer` triggers.
 *
 * One owner: the pool is synchronous and meant to be driven from one event loop; async work
 * (disconnections) is started here and completes on its own.
 */
export class Pool<C extends PoolConnection, PeerMeta, ConnMeta> {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly acl: Acl;
  readonly peerId: PeerId;
  readonly privateMode: boolean;
  readonly reconnection: ReconnectionConfig;
  readonly peerMetadata: PeerMetadataConfig<PeerMeta>;
  readonly peersFile: string | undefined;
  readonly maxKnownPoints: TableBounds | undefined;
  readonly maxKnownPeerIds: TableBounds | undefined;
  /** What happened to peers.json at creation. */
  readonly peersFileStatus: LoadedPeers;

  private readonly knownPoints = new Map<string, PointInfo<C>>();
  private readonly connectedPoints = new Map<string, PointInfo<C>>();
  private readonly knownPeers = new Map<PeerId, PeerInfo<C, PeerMeta, ConnMeta>>();
  private readonly connectedPeers = new Map<PeerId, PeerInfo<C, PeerMeta, ConnMeta>>();
  private readonly myIdPoints = new LruSet<string>(MY_ID_POINTS);
  private readonly ownsAcl: boolean;
  /** Digest of the peers.json text last written (or loaded): a periodic save skips an unchanged table. */
  private savedDigest: string;
  private readonly autosave: PeersAutosave | undefined;
  private readonly onPeersFileError: ((e: PoolError) => void) | undefined;
  /** The config's `initial`, called as a function of its own by each peer that needs its metadata. */
  private readonly initialPeerMetadata = (): PeerMeta => this.peerMetadata.initial();

  constructor(opts: PoolOptions<PeerMeta>) {
    this.peerId = opts.peerId;
    this.bus = opts.bus ?? new EventBus();
    this.clock = opts.clock ?? systemClock;
    this.rng = opts.rng ?? systemRng;
    this.privateMode = opts.privateMode ?? false;
    this.reconnection = { ...DEFAULT_RECONNECTION, ...opts.reconnection };
    this.peerMetadata = opts.peerMetadata;
    this.peersFile = opts.peersFile;
    this.maxKnownPoints = checkBounds('maxKnownPoints', opts.maxKnownPoints);
    this.maxKnownPeerIds = checkBounds('maxKnownPeerIds', opts.maxKnownPeerIds);
    this.ownsAcl = opts.acl === undefined;
    this.acl =
      opts.acl ??
      new Acl({
        peerGreylistSize: opts.peerGreylistSize,
        ipGreylistSizeInKilobytes: opts.ipGreylistSizeInKilobytes,
        ipGreylistCleanupDelayMs: opts.ipGreylistCleanupDelayMs,
        clock: this.clock,
        backend: opts.backend,
      });
    for (const t of opts.trustedPoints ?? []) this.points.setTrusted(t.point, t.expectedPeerId);
    // Before anything is written: a crash between write and rename leaves the temporary file.
    removeStrayTemp(this.peersFile);
    this.peersFileStatus = loadPeersFile(this.peersFile, this.clock.now(), (j) => this.peerMetadata.fromJson(j));
    if (this.peersFileStatus.kind === 'loaded') this.restorePeers(this.peersFileStatus);
    this.savedDigest = digest(this.peersText());
    this.onPeersFileError = opts.onPeersFileError;
    const interval = checkSaveInterval(
      opts.peersFileSaveIntervalMs === undefined ? DEFAULT_PEERS_FILE_SAVE_INTERVAL_MS : opts.peersFileSaveIntervalMs,
    );
    this.autosave =
      persistent(this.peersFile) && interval !== null
        ? new PeersAutosave(this.clock, interval, () => this.savePeersIfChanged())
        : undefined;
  }

  private restorePeers(loaded: Extract<LoadedPeers, { kind: 'loaded' }>): void {
    const point = (j: { addr: string; port?: number }): ConnectionPoint => ({ ip: canonicalIp(j.addr), port: j.port });
    for (const e of loaded.entries) {
      const info = new PeerInfo<C, PeerMeta, ConnMeta>(
        parsePeerId(e.peer_id),
        parseTimestamp(e.created),
        this.initialPeerMetadata,
        this.peerMetadata.fromJson(e.peer_metadata),
      );
      info.restore(e, point, parseTimestamp);
      // Loaded peers bypass the GC and raise no event (`P2p_pool.create`).
      this.knownPeers.set(info.peerId, info);
      const seen = info.lastSeen?.value;
      if (seen?.port !== undefined) this.registerPoint({ ip: seen.ip, port: seen.port });
    }
  }

  // ---- registration ----

  /** `register_point`: add (collecting the table first if full) or update the trust / expected peer. */
  registerPoint(point: Point, opts: { trusted?: boolean; expectedPeerId?: PeerId | undefined } = {}): PointInfo<C> {
    return this.registerPointAt(pointToString(point), point, opts);
  }

  private registerPointAt(
    key: string,
    point: Point,
    opts: { trusted?: boolean; expectedPeerId?: PeerId | undefined },
  ): PointInfo<C> {
    const known = this.knownPoints.get(key);
    if (known !== undefined) {
      if (opts.expectedPeerId !== undefined) this.setExpectedPeerId(point, opts.expectedPeerId);
      if (opts.trusted !== undefined) known.trusted = opts.trusted;
      return known;
    }
    const info = new PointInfo<C>(point, { trusted: opts.trusted ?? false, expectedPeerId: opts.expectedPeerId }, key);
    if (this.maxKnownPoints && this.knownPoints.size >= this.maxKnownPoints.max) this.gcPoints();
    this.knownPoints.set(key, info);
    this.bus.trigger('newPoint', point);
    this.bus.publish({ kind: 'New_point', point });
    return info;
  }

  unregisterPoint(point: Point): void {
    this.knownPoints.delete(pointToString(point));
  }

  /** `register_new_point`: nothing for one of our own points. */
  registerNewPoint(point: Point, opts: { trusted?: boolean } = {}): PointInfo<C> | undefined {
    // One key for both tables: each Nack and Advertise brings up to 50 points, most already known.
    const key = pointToString(point);
    if (this.myIdPoints.has(key)) return undefined;
    return this.registerPointAt(key, point, opts);
  }

  /** `register_list_of_new_points` (from an Advertise, a Nack …); `medium` and `source` say where from. */
  registerListOfNewPoints(points: readonly Point[], opts: { trusted?: boolean; medium: string; source: PeerId }): void {
    const each = opts.trusted === undefined ? {} : { trusted: opts.trusted };
    for (const p of points) this.registerNewPoint(p, each);
  }

  /** `register_peer`: the known info, or a new one (collecting the table first if full). */
  registerPeer(peerId: PeerId): PeerInfo<C, PeerMeta, ConnMeta> {
    const known = this.knownPeers.get(peerId);
    if (known !== undefined) return known;
    const info = new PeerInfo<C, PeerMeta, ConnMeta>(peerId, this.clock.now(), this.initialPeerMetadata);
    if (this.maxKnownPeerIds && this.knownPeers.size >= this.maxKnownPeerIds.max) this.gcPeerIds();
    this.knownPeers.set(peerId, info);
    // Fired once the peer is in the table (Octez fires it first, but its waiters run later).
    this.bus.trigger('newPeer', peerId);
    this.bus.publish({ kind: 'New_peer', peerId });
    return info;
  }

  /**
   * `set_expected_peer_id`: remember which peer a point must be; a running connection to another peer
   * is disconnected and its address greylisted, an accepted one only greylisted.
   */
  setExpectedPeerId(point: Point, peerId: PeerId): void {
    const info = this.knownPoints.get(pointToString(point));
    if (info === undefined) return;
    info.expectedPeerId = peerId;
    const s = info.state;
    if (s.kind === 'Running' && s.peerId !== peerId) {
      this.acl.greylistAddr(point.ip);
      void s.connection.disconnect({ kind: 'Unexpected_peer_id' });
    } else if (s.kind === 'Accepted' && s.peerId !== peerId) this.acl.greylistAddr(point.ip);
  }

  /** `add_to_id_points`: remember a point as ourselves and forget it as a known point. */
  addToIdPoints(point: Point): void {
    const key = pointToString(point);
    this.myIdPoints.add(key);
    this.knownPoints.delete(key);
  }

  isMyIdPoint(point: Point): boolean {
    return this.myIdPoints.has(pointToString(point));
  }

  // ---- GC ----

  /**
   * `gc_points`: collect the table down to its target if it is over it; returns how many points were
   * removed. `Gc_points` is emitted whenever the table was over target, even if nothing could go
   * (every point connected or trusted), as Octez logs it — so once the table is stuck at `max`, each
   * new point brings one.
   */
  gcPoints(): number {
    const bounds = this.maxKnownPoints;
    if (!bounds || this.knownPoints.size <= bounds.target) return 0;
    const victims = pointsToCollect(this.knownPoints.values(), this.knownPoints.size, bounds.target, this.clock.now());
    for (const v of victims) this.knownPoints.delete(v.key);
    this.bus.publish({ kind: 'Gc_points' });
    return victims.length;
  }

  /** `gc_peer_ids`: as `gcPoints`, for known peers (`Gc_peer_ids`, whenever over target). */
  gcPeerIds(): number {
    const bounds = this.maxKnownPeerIds;
    if (!bounds || this.knownPeers.size <= bounds.target) return 0;
    const victims = peersToCollect(this.knownPeers.values(), this.knownPeers.size, bounds.target, (m) =>
      this.peerMetadata.score(m),
    );
    for (const v of victims) this.knownPeers.delete(v.peerId);
    this.bus.publish({ kind: 'Gc_peer_ids' });
    return victims.length;
  }

  // ---- greylists ----

  greylistAddr(ip: string): void {
    this.acl.greylistAddr(ip);
  }

  /** `greylist_peer`: only for a peer with a running connection: its address and its id. */
  greylistPeer(peerId: PeerId): void {
    const info = this.knownPeers.get(peerId);
    if (info?.state.kind !== 'Running') return;
    this.acl.greylistAddr(info.state.currentPoint.ip);
    this.acl.greylistPeer(peerId);
  }

  /** `clear_greylist`: the IP greylist's filter only. */
  clearGreylist(): void {
    this.acl.clearGreylist();
  }

  gcGreylist(): void {
    this.acl.gcGreylist();
  }

  /** `acl_clear` (RPC `DELETE /network/greylist`): both greylists and both blacklists. */
  aclClear(): void {
    this.acl.clear();
  }

  // ---- views ----

  /** `list_known_points`: up to `size` (default 50) public, unbanned points, 3/5 best and 2/5 random. */
  listKnownPoints(opts: { ignorePrivate: boolean; size?: number }): Point[] {
    const size = opts.size ?? 50;
    if (!(Number.isInteger(size) && size >= 0))
      throw new PoolError('INVALID_ARGUMENT', `list_known_points: size must be a non-negative integer, got ${size}`);
    // Every refusal's Nack lists known points, so this runs for each of them over the whole table:
    // one pass, no intermediate copy, ban answers kept on the infos while the ACL is unchanged.
    const eligible: PointInfo<C>[] = [];
    for (const i of this.knownPoints.values())
      if (!(opts.ignorePrivate && !i.knownPublic) && !this.pointBanned(i)) eligible.push(i);
    return knownPointsSample(this.rng, eligible, size);
  }

  /**
   * `Points.banned` for a known point, with its parsed address and its last answer kept on the info
   * (valid until the ACL's address bans change: a greylisting, a ban, a countdown…).
   */
  pointBanned(info: PointInfo<C>): boolean {
    const version = this.acl.addressBansVersion;
    if (info.bannedVersion !== version) {
      // Parsed (a Blake2b hash) only once something is banned: most nodes never greylist anyone.
      if (this.acl.noAddressBanned) info.banned = false;
      else {
        info.aclAddress ??= this.acl.address(info.point.ip);
        info.banned = this.acl.bannedAddress(info.aclAddress);
      }
      info.bannedVersion = version;
    }
    return info.banned;
  }

  get activeConnections(): number {
    return this.connectedPeers.size;
  }

  connectedPeerIds(): PeerId[] {
    return [...this.connectedPeers.keys()];
  }

  score(meta: PeerMeta): number {
    return this.peerMetadata.score(meta);
  }

  get knownPointCount(): number {
    return this.knownPoints.size;
  }

  get knownPeerCount(): number {
    return this.knownPeers.size;
  }

  // ---- sub-APIs ----

  readonly points = {
    info: (point: Point): PointInfo<C> | undefined => this.knownPoints.get(pointToString(point)),
    list: (filter?: (i: PointInfo<C>) => boolean): PointInfo<C>[] =>
      [...this.knownPoints.values()].filter((i) => filter === undefined || filter(i)),
    /** The known points without a copy, for a walk that changes no table (the maintenance's, at each step). */
    values: (): IterableIterator<PointInfo<C>> => this.knownPoints.values(),
    /** IP blacklisted or greylisted; the port is ignored. */
    banned: (point: Point): boolean => {
      const info = this.knownPoints.get(pointToString(point));
      return info === undefined ? this.acl.bannedAddr(point.ip) : this.pointBanned(info);
    },
    /** Blacklist the address; connections from it are closed and (by default) their peers banned. */
    ban: (point: Point, opts: { banPeers?: boolean } = {}): void => {
      this.acl.banAddr(point.ip);
      for (const i of [...this.connectedPoints.values()]) {
        if (i.point.ip !== point.ip || i.state.kind !== 'Running') continue;
        if (opts.banPeers ?? true) this.acl.banPeer(i.state.peerId);
        void i.state.connection.disconnect({ kind: 'IP_manually_banned' });
      }
    },
    /** Lift the address from blacklist and greylist, and the peers still connected from it. */
    unban: (point: Point): void => {
      this.acl.unbanAddr(point.ip);
      for (const i of this.connectedPoints.values())
        if (i.point.ip === point.ip && i.state.kind === 'Running') this.acl.unbanPeer(i.state.peerId);
    },
    trust: (point: Point): void => {
      this.points.unban(point);
      this.points.setTrusted(point);
    },
    untrust: (point: Point): void => this.points.unsetTrusted(point),
    setTrusted: (point: Point, expectedPeerId?: PeerId): PointInfo<C> =>
      this.registerPoint(point, { trusted: true, expectedPeerId }),
    unsetTrusted: (point: Point): void => {
      const i = this.knownPoints.get(pointToString(point));
      if (i) i.trusted = false;
    },
    greylisted: () => this.acl.greylistedIps(),
    addConnected: (info: PointInfo<C>): void => void this.connectedPoints.set(info.key, info),
    removeConnected: (info: PointInfo<C>): void => void this.connectedPoints.delete(info.key),
  };

  readonly peers = {
    info: (peerId: PeerId): PeerInfo<C, PeerMeta, ConnMeta> | undefined => this.knownPeers.get(peerId),
    list: (filter?: (i: PeerInfo<C, PeerMeta, ConnMeta>) => boolean): PeerInfo<C, PeerMeta, ConnMeta>[] =>
      [...this.knownPeers.values()].filter((i) => filter === undefined || filter(i)),
    /** The stored metadata, or a fresh initial value (not stored) for an unknown peer. */
    getMetadata: (peerId: PeerId): PeerMeta => this.knownPeers.get(peerId)?.peerMetadata ?? this.peerMetadata.initial(),
    setMetadata: (peerId: PeerId, meta: PeerMeta): void => {
      this.registerPeer(peerId).peerMetadata = meta;
    },
    /** Reads without storing: an unread peer's metadata stays unmade (see `PeerInfo.readMetadata`). */
    getScore: (peerId: PeerId): number =>
      this.peerMetadata.score(this.knownPeers.get(peerId)?.readMetadata() ?? this.peerMetadata.initial()),
    banned: (peerId: PeerId): boolean => this.acl.bannedPeer(peerId),
    ban: (peerId: PeerId): void => {
      this.acl.banPeer(peerId);
      const i = this.knownPeers.get(peerId);
      if (i?.state.kind === 'Running') void i.state.connection.disconnect({ kind: 'Peer_id_manually_banned' });
    },
    unban: (peerId: PeerId): void => this.acl.unbanPeer(peerId),
    trust: (peerId: PeerId): void => {
      this.acl.unbanPeer(peerId);
      this.registerPeer(peerId).trusted = true;
    },
    untrust: (peerId: PeerId): void => {
      const i = this.knownPeers.get(peerId);
      if (i) i.trusted = false;
    },
    greylisted: (): PeerId[] => this.acl.greylistedPeers(),
    addConnected: (info: PeerInfo<C, PeerMeta, ConnMeta>): void => void this.connectedPeers.set(info.peerId, info),
    removeConnected: (info: PeerInfo<C, PeerMeta, ConnMeta>): void => void this.connectedPeers.delete(info.peerId),
  };

  readonly connections = {
    // A plain loop: a broadcast lists 1,000 connections a round, and a spread then flatMap cost two
    // arrays and one per peer (a third of the broadcast call).
    list: (): C[] => {
      const out: C[] = [];
      for (const i of this.connectedPeers.values()) if (i.state.kind === 'Running') out.push(i.state.connection);
      return out;
    },
    findByPeerId: (peerId: PeerId): C | undefined => {
      const s = this.knownPeers.get(peerId)?.state;
      return s?.kind === 'Running' ? s.connection : undefined;
    },
    findByPoint: (point: Point): C | undefined => {
      const s = this.knownPoints.get(pointToString(point))?.state;
      return s?.kind === 'Running' ? s.connection : undefined;
    },
    /** `random_connection`: uniform among running connections (not private ones if asked). */
    random: (opts: { differentThan?: C; noPrivate: boolean }): C | undefined => {
      const cs = this.connections.list().filter((c) => c !== opts.differentThan && !(opts.noPrivate && c.privateNode));
      return cs.length === 0 ? undefined : cs[randomInt(this.rng, cs.length)];
    },
    /** `random_addr`: as `random`, among connections whose remote listening port is known. */
    randomAddr: (opts: { differentThan?: C; noPrivate: boolean }): { point: Point; peerId: PeerId } | undefined => {
      const cs = this.connections
        .list()
        .filter((c) => c !== opts.differentThan && !(opts.noPrivate && c.privateNode) && c.idPoint.port !== undefined);
      if (cs.length === 0) return undefined;
      const c = cs[randomInt(this.rng, cs.length)]!;
      return { point: { ip: c.idPoint.ip, port: c.idPoint.port! }, peerId: c.peerId };
    },
    /** `propose_swap_request`: a recipient, and another connection's point and peer to propose to it. */
    proposeSwapRequest: (): SwapProposal<C> | undefined => {
      const recipient = this.connections.random({ noPrivate: true });
      if (recipient === undefined) return undefined;
      const other = this.connections.randomAddr({ differentThan: recipient, noPrivate: true });
      return other === undefined ? undefined : { recipient, ...other };
    },
  };

  // ---- persistence and shutdown ----

  private peersText(): string {
    return peersFileText([...this.knownPeers.values()].map((i) => i.toFileEntry((m) => this.peerMetadata.toJson(m))));
  }

  /** `save_peers`: every known peer, whatever its state, written atomically. */
  savePeers(): void {
    if (!persistent(this.peersFile)) return;
    const text = this.peersText();
    savePeersFile(this.peersFile, text);
    this.savedDigest = digest(text);
  }

  /**
   * The periodic save: only when the table's text differs from the last write's (a digest of the
   * whole text: any change to any peer's entry counts, and no mutation site needs to mark the table
   * dirty). Failures go to `onPeersFileError`; the next period tries again. True when written.
   */
  savePeersIfChanged(): boolean {
    if (!persistent(this.peersFile)) return false;
    try {
      const text = this.peersText();
      const d = digest(text);
      if (d === this.savedDigest) return false;
      savePeersFile(this.peersFile, text);
      this.savedDigest = d;
      return true;
    } catch (e) {
      this.onPeersFileError?.(
        e instanceof PoolError
          ? e
          : new PoolError('PEERS_FILE_WRITE_FAILED', `cannot write ${this.peersFile}: ${(e as Error).message}`, {
              cause: e,
            }),
      );
      return false;
    }
  }

  /** Cancel pending handshakes and close running connections with `reason`. */
  async tearDownConnections(reason: DisconnectReason): Promise<void> {
    const closing: Promise<void>[] = [];
    const seen = new Set<C>();
    for (const i of this.knownPoints.values()) {
      const s = i.state;
      if (s.kind === 'Requested' || s.kind === 'Accepted') s.cancel();
      else if (s.kind === 'Running' && !seen.has(s.connection)) {
        seen.add(s.connection);
        closing.push(s.connection.disconnect(reason));
      }
    }
    for (const i of this.knownPeers.values()) {
      const s = i.state;
      if (s.kind === 'Accepted') s.cancel();
      else if (s.kind === 'Running' && !seen.has(s.connection)) {
        seen.add(s.connection);
        closing.push(s.connection.disconnect(reason));
      }
    }
    await Promise.allSettled(closing);
  }

  /** `destroy`: stop the periodic saves, save peers.json, close every connection, stop the ACL's timer. */
  async stop(): Promise<void> {
    this.autosave?.stop();
    let saveError: unknown;
    try {
      this.savePeers();
    } catch (e) {
      saveError = e;
    }
    await this.tearDownConnections({ kind: 'Pool_destroyed' });
    if (this.ownsAcl) this.acl.stop();
    if (saveError !== undefined) throw saveError;
  }
}

/** A short fingerprint of a peers.json text, so the last one written need not stay in memory. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
