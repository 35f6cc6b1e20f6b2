import {
  type ConnectionStat,
  type DisconnectReason,
  IoScheduler,
  type IoStat,
  type MemoryBudgetStat,
} from '@tezos-p2p/connection';
import { getCryptoBackend, type CryptoBackend } from '@tezos-p2p/crypto';
import { type Encoding, encode } from '@tezos-p2p/encoding';
import type { GreylistedIps } from '@tezos-p2p/acl';
import {
  type BoundedConsumer,
  type Clock,
  EventBus,
  type P2pEvent,
  type P2pReport,
  type Rng,
  reportedError,
  systemClock,
  systemRng,
} from '@tezos-p2p/events';
import { type PeerInfo, Pool, type PointInfo } from '@tezos-p2p/pool';
import {
  SUPPORTED_DISTRIBUTED_DB_VERSIONS,
  SUPPORTED_P2P_VERSIONS,
  type NetworkVersion,
  announcedVersion,
  type P2pMessage,
  type PeerId,
  type Point,
  p2pMessageEncoding,
} from '@tezos-p2p/wire';
import {
  ConnectHandler,
  DefaultAnswerer,
  Discovery,
  Maintenance,
  type P2pConn,
  P2pError,
  type P2pLimits,
  PrivateAnswerer,
  Welcome,
  resolveLimits,
  DEFAULT_DISCOVERY_PORT,
  observeConnections,
  countReports,
  memoryBudgets,
} from '@tezos-p2p/workers';
import type { Observable } from 'rxjs';
import type { P2pConfig, P2pParams, P2pRuntime } from './config.js';

export type P2pConnection<M, CM> = P2pConn<M, CM>;

/**
 * The P2P layer as an upper layer uses it (`P2p.t`): connections, sending and receiving application
 * messages, bans and trust, statistics and the event stream. Created running by `createP2p`;
 * `shutdown` saves peers.json, closes every connection and leaves no timer, socket or subscription.
 */
export class P2p<M, PM, CM> {
  /** Not public: upper layers use the named methods below (libs/p2p's tests reach it through `test/internals.ts`). */
  private readonly bus: EventBus;
  private readonly pool: Pool<P2pConn<M, CM>, PM, CM>;
  readonly limits: P2pLimits;
  readonly peerId: PeerId;
  readonly clock: Clock;
  readonly messageEncoding: Encoding<P2pMessage<M>>;
  private readonly scheduler: IoScheduler;
  private readonly handler: ConnectHandler<M, PM, CM>;
  private readonly maintenance: Maintenance<M, PM, CM> | undefined;
  private readonly welcome: Welcome | undefined;
  private discovery: Discovery | undefined;
  private readonly discoveryWanted: boolean;
  private readonly appWaiters = new Set<() => void>();
  private readonly connectionListeners = new Set<(conn: P2pConn<M, CM>) => void>();
  private started = false;
  private down = false;
  /** Stops feeding the `tezos.p2p.connections` gauge (at shutdown). */
  private readonly unobserve: () => void;
  /** Derives the workers' counters from the bus's reports (dropped at shutdown). */
  private readonly counting: { unsubscribe(): void };

  /** Use `createP2p`. */
  constructor(
    private readonly config: P2pConfig,
    limits: Partial<P2pLimits>,
    private readonly params: P2pParams<M, PM, CM>,
    runtime: P2pRuntime = {},
  ) {
    this.limits = resolveLimits(limits);
    this.peerId = config.identity.peerId;
    this.clock = runtime.clock ?? systemClock;
    const rng: Rng = runtime.rng ?? systemRng;
    const backend: CryptoBackend = runtime.backend ?? getCryptoBackend();
    this.bus = runtime.bus ?? new EventBus();
    this.messageEncoding = p2pMessageEncoding(params.messages);
    const privateMode = config.privateMode ?? false;
    this.scheduler = new IoScheduler({
      maxDownloadSpeed: this.limits.maxDownloadSpeed,
      maxUploadSpeed: this.limits.maxUploadSpeed,
      ...memoryBudgets(this.limits),
    });
    this.pool = new Pool<P2pConn<M, CM>, PM, CM>({
      peerId: this.peerId,
      trustedPoints: config.trustedPoints ?? [],
      peersFile: config.peersFile,
      peersFileSaveIntervalMs: this.limits.peersFileSaveIntervalMs,
      // Octez's `save_peers_error` event: a failed write is reported, the node keeps running.
      onPeersFileError: (error) => this.bus.report({ kind: 'save_peers_error', error: reportedError(error) }),
      privateMode,
      maxKnownPoints: this.limits.maxKnownPoints,
      maxKnownPeerIds: this.limits.maxKnownPeerIds,
      peerGreylistSize: this.limits.peerGreylistSize,
      ipGreylistSizeInKilobytes: this.limits.ipGreylistSizeInKilobytes,
      ipGreylistCleanupDelayMs: this.limits.ipGreylistCleanupDelayMs,
      ...(config.reconnection ? { reconnection: config.reconnection } : {}),
      peerMetadata: params.peerMetadata,
      bus: this.bus,
      clock: this.clock,
      rng,
      backend,
    });
    this.handler = new ConnectHandler<M, PM, CM>(
      {
        identity: config.identity,
        versions: {
          chainName: params.chainName,
          distributedDbVersions: params.distributedDbVersions ?? SUPPORTED_DISTRIBUTED_DB_VERSIONS,
          p2pVersions: params.p2pVersions ?? SUPPORTED_P2P_VERSIONS,
        },
        // Read lazily: with listening port 0 the real port is known only once bound.
        advertisedPort: () => config.advertisedPort ?? this.welcome?.port ?? config.listeningPort,
        localAddress: config.localAddress,
        expectedProofOfWork: config.expectedProofOfWork ?? 26,
        connectionMetadata: params.connectionMetadata,
        messageEncoding: this.messageEncoding,
        limits: this.limits,
        privateMode,
        disablePeerDiscovery: config.disablePeerDiscovery ?? false,
        backend,
        sessionTap: config.sessionTap,
      },
      this.pool,
      this.scheduler,
      this.bus,
      this.clock,
      {
        onNewConnection: (c) => {
          for (const l of [...this.connectionListeners]) l(c);
        },
        // One function for every connection, rather than a listener (and its removal) kept per connection.
        onAppMessage: () => this.wakeAppWaiters(),
      },
    );
    this.handler.setAnswerer(
      privateMode
        ? new PrivateAnswerer<M, CM>(this.bus)
        : new DefaultAnswerer<M, PM, CM>({
            pool: this.pool,
            bus: this.bus,
            clock: this.clock,
            swapLingerMs: this.limits.swapLingerMs,
            connect: (p) => this.handler.connect(p),
          }),
    );
    const maintenanceOn = this.limits.maintenanceIdleTimeMs !== null;
    // Octez runs discovery only with the maintenance, a listening port and a discovery address.
    this.discoveryWanted = maintenanceOn && config.discoveryAddr !== undefined && config.listeningPort !== undefined;
    this.maintenance = maintenanceOn
      ? new Maintenance<M, PM, CM>({
          pool: this.pool,
          connectHandler: this.handler,
          bus: this.bus,
          clock: this.clock,
          rng,
          bounds: this.handler.bounds,
          idleTimeMs: this.limits.maintenanceIdleTimeMs!,
          privateMode,
          swapDisabled: this.limits.swapLingerMs === null,
          // Resolved at each use: discovery starts with the node, after the port is bound.
          discovery: { wakeup: () => this.discovery?.wakeup() },
        })
      : undefined;
    this.welcome =
      config.listeningPort !== undefined
        ? new Welcome({
            ...(config.listenAddr ? { address: config.listenAddr } : {}),
            port: config.listeningPort,
            backlog: this.limits.backlog,
            onSocket: (s) => this.handler.accept(s),
          })
        : undefined;
    this.unobserve = observeConnections(() => this.pool.connections.list());
    this.counting = countReports(this.bus);
  }

  /** Start accepting connections, the maintenance and discovery (Octez's `P2p.activate`). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.welcome?.start();
    if (this.discoveryWanted) {
      this.discovery = new Discovery({
        peerId: this.peerId,
        // Octez announces the listening port here, not the advertised one.
        listeningPort: this.welcome?.port ?? this.config.listeningPort!,
        discoveryAddr: this.config.discoveryAddr!,
        discoveryPort: this.config.discoveryPort ?? DEFAULT_DISCOVERY_PORT,
        register: (point, opts) => void this.pool.registerNewPoint(point, opts),
        trustDiscoveredPeers: this.config.trustDiscoveredPeers ?? false,
        clock: this.clock,
        bus: this.bus,
      });
      await this.discovery.start();
    }
    this.maintenance?.start();
  }

  /** The bound listening port (differs from the configured one when that was 0). */
  get listeningPort(): number | undefined {
    return this.welcome?.port;
  }

  /** Octez's `P2p_event`s as they happen (in-process subscribers must not block). */
  get events$(): Observable<P2pEvent> {
    return this.bus.events$;
  }

  /**
   * A bounded asynchronous view of the events from now on, for a reader that may fall behind (the
   * RPC's `/network/log`): at most `capacity` buffered; one more and the consumer ends with
   * `ConsumerOverflowError` (a log is complete or nothing). Close it when done.
   */
  consumeEvents(capacity: number): BoundedConsumer<P2pEvent> {
    return this.bus.consume({ capacity });
  }

  /** What the workers report besides the `P2pEvent`s (refusals, handshake failures, maintenance steps…). */
  get reports$(): Observable<P2pReport> {
    return this.bus.reports$;
  }

  // ---- connections ----

  /** Dial a point (`P2p.connect`); fails with a `P2pError`. */
  connect(
    point: Point,
    opts: { timeoutMs?: number; trusted?: boolean; expectedPeerId?: PeerId } = {},
  ): Promise<P2pConn<M, CM>> {
    if (this.down) return Promise.reject(new P2pError('P2P_SHUT_DOWN', 'the P2P layer is shut down'));
    return this.handler.connect(point, opts);
  }

  connections(): P2pConn<M, CM>[] {
    return this.pool.connections.list();
  }

  /**
   * Calls `listener` with every connection established from now on, once it is running (e.g. to
   * give each its own reading loop); returns the unsubscribe function.
   */
  onConnection(listener: (conn: P2pConn<M, CM>) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  findConnection(peerId: PeerId): P2pConn<M, CM> | undefined {
    return this.pool.connections.findByPeerId(peerId);
  }

  /** Close a connection (`P2p.disconnect`); with `wait`, queued messages are written first. */
  async disconnect(conn: P2pConn<M, CM> | PeerId, opts: { wait?: boolean; reason?: string } = {}): Promise<void> {
    const c = typeof conn === 'string' ? this.findConnection(conn) : conn;
    if (c === undefined) return;
    const reason: DisconnectReason =
      opts.reason === undefined
        ? { kind: 'User', message: 'disconnect requested' }
        : { kind: 'User', message: opts.reason };
    await c.disconnect(reason, { wait: opts.wait ?? false });
  }

  /** What we announce in handshakes (`P2p.announced_version`): the chain name and our greatest supported versions. */
  get announcedVersion(): NetworkVersion {
    const p = this.params;
    return announcedVersion(
      p.chainName,
      p.distributedDbVersions ?? SUPPORTED_DISTRIBUTED_DB_VERSIONS,
      p.p2pVersions ?? SUPPORTED_P2P_VERSIONS,
    );
  }

  /** The version negotiated with a peer. */
  negotiatedVersion(peerId: PeerId): NetworkVersion | undefined {
    return this.findConnection(peerId)?.negotiatedVersion;
  }

  // ---- messages ----

  private wrap(msg: M): P2pMessage<M> {
    return { kind: 'Message', message: msg };
  }

  /** Send to one peer, waiting while its queue is full. */
  send(conn: P2pConn<M, CM>, msg: M): Promise<void> {
    return conn.write(this.wrap(msg));
  }

  /** Send if the peer's queue has room now; false otherwise (`try_send`). */
  trySend(conn: P2pConn<M, CM>, msg: M): boolean {
    return conn.writeNow(this.wrap(msg));
  }

  /**
   * Send to every running connection without waiting, encoding once (`P2p.broadcast`); connections
   * whose queue is full miss it, as in Octez. `alt` gives another message for the connections it
   * selects (Octez's `?alt`, e.g. an empty mempool for peers that disabled theirs). Returns how many
   * connections took it.
   */
  broadcast(msg: M, opts: { alt?: { select: (c: P2pConn<M, CM>) => boolean; message: M } } = {}): number {
    const frame = encode(this.messageEncoding, this.wrap(msg));
    const alt = opts.alt ? encode(this.messageEncoding, this.wrap(opts.alt.message)) : undefined;
    let sent = 0;
    for (const c of this.connections()) {
      const f = alt !== undefined && opts.alt!.select(c) ? alt : frame;
      if (c.writeEncodedNow(f)) sent++;
    }
    return sent;
  }

  /** Next application message from one connection. */
  recv(conn: P2pConn<M, CM>): Promise<M> {
    return conn.read();
  }

  /** Next application message from any connection (`recv_any`). */
  async recvAny(signal?: AbortSignal): Promise<{ conn: P2pConn<M, CM>; msg: M }> {
    for (;;) {
      if (this.down) throw new P2pError('P2P_SHUT_DOWN', 'the P2P layer is shut down');
      for (const c of this.connections()) {
        const m = c.tryRead();
        if (m !== undefined) return { conn: c, msg: m.msg };
      }
      if (signal?.aborted) throw signal.reason;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.appWaiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.appWaiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** An application message was queued on some connection: every `recvAny` looks again. */
  private wakeAppWaiters(): void {
    for (const w of [...this.appWaiters]) w();
  }

  // ---- information ----

  pointInfo(point: Point): PointInfo<P2pConn<M, CM>> | undefined {
    return this.pool.points.info(point);
  }

  peerInfo(peerId: PeerId): PeerInfo<P2pConn<M, CM>, PM, CM> | undefined {
    return this.pool.peers.info(peerId);
  }

  /** Every known point (`P2p_pool.Points.fold_known`), or those `filter` keeps. */
  knownPoints(filter?: (info: PointInfo<P2pConn<M, CM>>) => boolean): PointInfo<P2pConn<M, CM>>[] {
    return this.pool.points.list(filter);
  }

  /** Every known peer (`P2p_pool.Peers.fold_known`), or those `filter` keeps. */
  knownPeers(filter?: (info: PeerInfo<P2pConn<M, CM>, PM, CM>) => boolean): PeerInfo<P2pConn<M, CM>, PM, CM>[] {
    return this.pool.peers.list(filter);
  }

  /** A peer's score, from its metadata (`P2p_pool.Peers.get_score`). */
  peerScore(peerId: PeerId): number {
    return this.pool.peers.getScore(peerId);
  }

  /** Peer metadata as JSON, with the `peerMetadata` configuration of the params (RPC `peer_metadata`). */
  peerMetadataJson(meta: PM): unknown {
    return this.pool.peerMetadata.toJson(meta);
  }

  /** Global I/O statistics (`P2p_stat`). */
  stat(): IoStat {
    return this.scheduler.stat();
  }

  /**
   * The memory budgets over every connection (`readBudget`, `writeBudget` of the limits): bytes of
   * received messages not yet consumed, and of messages queued for peers not yet in the kernel.
   */
  memory(): { readonly read: MemoryBudgetStat; readonly write: MemoryBudgetStat } {
    return { read: this.scheduler.memory.read.stat(), write: this.scheduler.memory.write.stat() };
  }

  connectionStat(peerId: PeerId): ConnectionStat | undefined {
    return this.findConnection(peerId)?.stat();
  }

  getPeerMetadata(peerId: PeerId): PM {
    return this.pool.peers.getMetadata(peerId);
  }

  setPeerMetadata(peerId: PeerId, meta: PM): void {
    this.pool.peers.setMetadata(peerId, meta);
  }

  // ---- ACL ----

  readonly points = {
    ban: (point: Point) => this.pool.points.ban(point),
    unban: (point: Point) => this.pool.points.unban(point),
    trust: (point: Point) => this.pool.points.trust(point),
    untrust: (point: Point) => this.pool.points.untrust(point),
    /** False for trusted points (as the RPC), else banned or greylisted. */
    banned: (point: Point) => !(this.pool.points.info(point)?.trusted ?? false) && this.pool.points.banned(point),
  };

  readonly peers = {
    ban: (peerId: PeerId) => this.pool.peers.ban(peerId),
    unban: (peerId: PeerId) => this.pool.peers.unban(peerId),
    trust: (peerId: PeerId) => this.pool.peers.trust(peerId),
    untrust: (peerId: PeerId) => this.pool.peers.untrust(peerId),
    banned: (peerId: PeerId) => !(this.pool.peers.info(peerId)?.trusted ?? false) && this.pool.peers.banned(peerId),
  };

  /**
   * Expect `peerId` at `point`, if the point is known (`P2p_pool.set_expected_peer_id`): a running
   * connection there to another peer is closed and its address greylisted, an accepted one greylisted.
   */
  setExpectedPeerId(point: Point, peerId: PeerId): void {
    this.pool.setExpectedPeerId(point, peerId);
  }

  /** The greylisted peers (RPC `/network/greylist/peers`). */
  greylistedPeers(): PeerId[] {
    return this.pool.acl.greylistedPeers();
  }

  /** The greylisted addresses, and since when the list is not exact (RPC `/network/greylist/ips`). */
  greylistedIps(): GreylistedIps {
    return this.pool.acl.greylistedIps();
  }

  greylistAddr(ip: string): void {
    this.pool.greylistAddr(ip);
  }

  greylistPeer(peerId: PeerId): void {
    this.pool.greylistPeer(peerId);
  }

  /** RPC `DELETE /network/greylist`: both greylists and both blacklists (`acl_clear`). */
  clearGreylist(): void {
    this.pool.aclClear();
  }

  /** Run a maintenance step now and wait for it (rejects when the maintenance is disabled). */
  async maintain(): Promise<void> {
    if (this.maintenance === undefined) throw new P2pError('CANCELED', 'the maintenance is disabled');
    await this.maintenance.maintain();
  }

  /**
   * `P2p.shutdown`, in Octez's order: stop accepting, stop the maintenance (and discovery), stop the
   * periodic saves, save peers.json and close every connection, cancel handshakes in progress, stop
   * the scheduler; then complete the event streams.
   */
  async stop(): Promise<void> {
    if (this.down) return;
    this.down = true;
    await this.welcome?.stop();
    await this.maintenance?.stop();
    await this.discovery?.stop();
    this.handler.stop();
    try {
      await this.pool.stop();
    } finally {
      this.scheduler.stop();
      for (const w of [...this.appWaiters]) w();
      this.connectionListeners.clear();
      this.unobserve();
      this.counting.unsubscribe();
      this.bus.close();
    }
  }

  /** Incoming handshakes in progress and outgoing connections being set up. */
  get pendingConnections(): { incoming: number; outgoing: number } {
    return { incoming: this.handler.pendingIncoming, outgoing: this.handler.pendingOutgoing };
  }
}

/** Create the P2P layer and (unless `runtime.start` is false) start it. */
export async function createP2p<M, PM, CM>(
  config: P2pConfig,
  limits: Partial<P2pLimits>,
  params: P2pParams<M, PM, CM>,
  runtime: P2pRuntime = {},
): Promise<P2p<M, PM, CM>> {
  const p2p = new P2p(config, limits, params, runtime);
  if (runtime.start ?? true) {
    try {
      await p2p.start();
    } catch (e) {
      await p2p.stop();
      throw e;
    }
  }
  return p2p;
}
