import type { Socket } from 'node:net';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  type AuthenticatedSocket,
  type ByteStream,
  ConnectionError,
  type IoScheduler,
  type SessionTap,
  authenticate,
  connectSharedBuffer,
} from '@tezos-p2p/connection';
import type { CryptoBackend, Identity } from '@tezos-p2p/crypto';
import type { Encoding } from '@tezos-p2p/encoding';
import {
  type Clock,
  type ConnectHandlerReport,
  type EventBus,
  type IncomingRefusal,
  reportedError,
} from '@tezos-p2p/events';
import type { PeerInfo, Pool, PointInfo } from '@tezos-p2p/pool';
import {
  type ConnectionMetadataConfig,
  type ConnectionPoint,
  type LocalVersions,
  type NackMotive,
  type NetworkVersion,
  type P2pMessage,
  type PeerId,
  type Point,
  canonicalIp,
  announcedVersion,
  describeNackMotive,
  pointToString,
  selectVersion,
} from '@tezos-p2p/wire';
import { ConnectionSpan } from './connection-span.js';
import type { Answerer, P2pConnOptions } from './p2p-conn.js';
import { P2pConn } from './p2p-conn.js';
import { P2pError } from './errors.js';
import { IncomingSlots } from './incoming-slots.js';
import { type MaintenanceBounds, type P2pLimits, maintenanceBounds } from './limits.js';
import { tracer } from './tracer.js';

/**
 * Gives a `SessionTap` (or none) for one handshake attempt: incoming, for a socket that passed the
 * early checks (incoming limit, banned IP); outgoing, once the TCP connection is up, before the
 * handshake. `point` is the socket's remote point (the dialled point when outgoing).
 */
export type SessionTapFactory = (ctx: { readonly incoming: boolean; readonly point: Point }) => SessionTap | undefined;

/**
 * Opens the byte stream of an outgoing connection (the seam of `connect`, go-ethereum's `NodeDialer`):
 * resolves once the stream is up, rejects when it cannot be opened; `signal` aborts on timeout or
 * cancellation (the handler then reports the abort's reason). Default: `tcpDialer`.
 */
export type Dialer = (
  point: Point,
  ctx: { readonly signal: AbortSignal; readonly localAddress?: string | undefined },
) => Promise<ByteStream>;

/**
 * The error listener a socket keeps for its whole life once its errors surface elsewhere: one
 * function for all, where an arrow in place would keep the scope it was made in (the handshake's
 * slot, abort controller and span) as long as the connection runs.
 */
const ignoreSocketError = (): void => undefined;

/** The default `Dialer`: a TCP connection to `point` (from `localAddress` if given). */
export const tcpDialer: Dialer = (point, { signal, localAddress }) =>
  new Promise<ByteStream>((resolve, reject) => {
    const s = connectSharedBuffer({ host: point.ip, port: point.port, ...(localAddress ? { localAddress } : {}) });
    const fail = (e: Error) => {
      s.destroy();
      reject(e);
    };
    s.once('error', fail);
    signal.addEventListener('abort', () => fail(new Error('cancelled')), { once: true });
    s.once('connect', () => {
      s.off('error', fail);
      s.on('error', ignoreSocketError);
      resolve(s);
    });
  });

export interface ConnectHandlerConfig<M, CM> {
  readonly identity: Identity;
  /** Chain name and the version lists we accept; the greatest of each is announced. */
  readonly versions: LocalVersions;
  /** Port announced in our connection message (`advertised_net_port` or the listening port), read at each handshake. */
  readonly advertisedPort: () => number | undefined;
  /** Source address for outgoing connections (default: the system's choice, as Octez). */
  readonly localAddress?: string | undefined;
  readonly expectedProofOfWork: number;
  readonly connectionMetadata: ConnectionMetadataConfig<CM>;
  readonly messageEncoding: Encoding<P2pMessage<M>>;
  readonly limits: P2pLimits;
  readonly privateMode: boolean;
  /** Testing option of Octez: no Bootstrap or Advertise sent, those received ignored, no points in Nacks or taken from them. */
  readonly disablePeerDiscovery: boolean;
  readonly backend?: CryptoBackend | undefined;
  /** Observe sessions (raw bytes and keys), e.g. to record transcripts; a factory that throws means no tap. */
  readonly sessionTap?: SessionTapFactory | undefined;
  /** How outgoing connections are opened (default `tcpDialer`); tests dial in-memory streams. */
  readonly dialer?: Dialer | undefined;
}

export type { IncomingRefusal, ConnectHandlerReport };

/**
 * Direct calls from the connect handler to the single owner of what follows a connection (the
 * facade); what the handler reports goes to the bus (`P2pEvent`s and `ConnectHandlerReport`s).
 */
export interface ConnectHandlerHooks<M, CM> {
  readonly onNewConnection?: (conn: P2pConn<M, CM>) => void;
  readonly onDisconnection?: (conn: P2pConn<M, CM>) => void;
  /** An application message queued on a running connection (`P2pConnOptions.onAppMessage`). */
  readonly onAppMessage?: (conn: P2pConn<M, CM>) => void;
}

function socketPoint(socket: ByteStream): Point {
  return { ip: canonicalIp(socket.remoteAddress ?? '::'), port: socket.remotePort ?? 0 };
}

/** TCP options, for streams that are TCP sockets (not for in-memory ones). */
function tuneSocket(socket: ByteStream): void {
  const s = socket as Partial<Pick<Socket, 'setNoDelay' | 'setKeepAlive'>>;
  s.setNoDelay?.(true);
  s.setKeepAlive?.(true, 10_000);
}

/**
 * Accepting and refusing connections (`P2p_connect_handler`): outgoing `connect`, incoming `accept`,
 * and between authentication and the Ack the decision pipeline in Octez's order — banned peer,
 * expected peer id, version selection, connection threshold, private mode, already connected —
 * answering refusals with a Nack carrying up to 50 known points, and creating connections.
 */
export class ConnectHandler<M, PM, CM> {
  readonly bounds: MaintenanceBounds;
  /** `max_threshold` when the maintenance runs, else `max_connections`. */
  readonly connectionsThreshold: number;
  private readonly incoming: IncomingSlots;
  private readonly outgoing = new Set<AbortController>();
  private destroyed = false;
  private answerer!: Answerer<M, CM>;

  constructor(
    readonly config: ConnectHandlerConfig<M, CM>,
    readonly pool: Pool<P2pConn<M, CM>, PM, CM>,
    private readonly scheduler: IoScheduler,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly hooks: ConnectHandlerHooks<M, CM> = {},
  ) {
    this.bounds = maintenanceBounds(config.limits);
    this.connectionsThreshold =
      config.limits.maintenanceIdleTimeMs !== null ? this.bounds.maxThreshold : config.limits.maxConnections;
    this.incoming = new IncomingSlots({
      max: config.limits.maxIncomingConnections,
      perAddress: config.limits.maxIncomingConnectionsPerAddress,
    });
  }

  /** The answerer needs `connect` (for swaps), so it is installed after construction. */
  setAnswerer(a: Answerer<M, CM>): void {
    this.answerer = a;
  }

  get pendingIncoming(): number {
    return this.incoming.size;
  }

  get pendingOutgoing(): number {
    return this.outgoing.size;
  }

  private announced(): NetworkVersion {
    const v = this.config.versions;
    return announcedVersion(v.chainName, v.distributedDbVersions, v.p2pVersions);
  }

  // ---- incoming ----

  /**
   * `accept`: called by the welcome worker for each accepted socket (or by a test with any
   * `ByteStream` carrying `remoteAddress`/`remotePort`, e.g. one end of `createMemorySocketPair`);
   * returns at once.
   */
  accept(socket: ByteStream): void {
    socket.on('error', ignoreSocketError); // errors surface through the handshake or are irrelevant once refused
    if (this.destroyed) return void socket.destroy();
    const point = socketPoint(socket);
    const span = new ConnectionSpan('incoming', point);
    span.socket(socket);
    this.bus.publish({ kind: 'Incoming_connection', point });
    const refuse = (reason: IncomingRefusal): void => {
      this.bus.report({ kind: 'incoming_refused', point, reason });
      span.failed('INCOMING_REFUSED', `incoming connection refused: ${reason}`, { 'tezos.p2p.refusal.reason': reason });
      socket.destroy();
    };
    // Refused before any crypto and never greylisted: too many sockets is no proof of malice (peers
    // behind one NAT share an address), and Octez does not greylist for its global limit either.
    const slot = this.incoming.decide(point.ip);
    if (slot.kind === 'refused') return refuse(slot.reason);
    if (this.pool.points.banned(point)) return refuse('banned');
    if (slot.kind === 'evict') {
      // Freed now: the cancelled handshake settles on a later turn (CANCELED, never greylisted).
      this.incoming.release(slot.victim);
      this.bus.report({ kind: 'incoming_evicted', point: slot.victim.point, by: point });
      slot.victim.controller.abort(
        P2pError.expected('CANCELED', `incoming handshake cancelled: its slot went to ${pointToString(point)}`, {
          point: slot.victim.point,
        }),
      );
    }
    const ac = new AbortController();
    const held = this.incoming.take(point, ac);
    tuneSocket(socket);
    this.settled(
      true,
      point,
      this.authenticate(undefined, socket, point, ac.signal, this.config.limits.authenticationTimeoutMs, span),
    )
      .catch((e: unknown) => {
        const err = P2pError.from(e, point);
        span.failed(err.code, err.message);
      })
      .finally(() => this.incoming.release(held));
  }

  // ---- outgoing ----

  /**
   * `connect`: dial `point` and run the handshake, everything under `timeoutMs` (default
   * `connectionTimeoutMs`). Fails with a `P2pError` (POINT_BANNED, TOO_MANY_CONNECTIONS, PRIVATE_MODE,
   * PENDING_CONNECTION, CONNECTED, CONNECTION_FAILED, TIMEOUT, REJECTED…).
   */
  async connect(
    point: Point,
    opts: { timeoutMs?: number; trusted?: boolean; expectedPeerId?: PeerId } = {},
  ): Promise<P2pConn<M, CM>> {
    const connection = new ConnectionSpan('outgoing', point);
    const span = tracer.startSpan(
      'p2p.connect',
      {
        attributes: { 'network.peer.address': point.ip, 'network.peer.port': point.port, 'network.transport': 'tcp' },
      },
      connection.context,
    );
    // Every failure, refusals before the dial included, ends both spans with the code.
    const fail = (err: P2pError): never => {
      span.setAttributes({ 'error.type': err.code, 'tezos.p2p.outcome': err.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.code });
      span.end();
      connection.failed(err.code, err.message);
      throw err;
    };
    if (this.destroyed) return fail(P2pError.expected('P2P_SHUT_DOWN', 'the P2P layer is shut down', { point }));
    if (this.pool.points.banned(point))
      return fail(P2pError.expected('POINT_BANNED', `point ${pointToString(point)} is banned`, { point }));
    if (!(this.pool.activeConnections <= this.config.limits.maxConnections))
      return fail(P2pError.expected('TOO_MANY_CONNECTIONS', 'too many connections', { point }));
    const timeoutMs = opts.timeoutMs ?? this.config.limits.connectionTimeoutMs;
    const ac = new AbortController();
    this.outgoing.add(ac);
    const timer = this.clock.setTimeout(
      () =>
        ac.abort(
          P2pError.expected('TIMEOUT', `connection to ${pointToString(point)} timed out after ${timeoutMs} ms`, {
            point,
          }),
        ),
      timeoutMs,
    );
    try {
      const conn = await this.connectUnderTimeout(point, opts, ac.signal, timeoutMs, connection, span);
      span.setAttribute('tezos.p2p.peer_id', conn.peerId);
      span.setAttribute('tezos.p2p.outcome', 'connected');
      span.end();
      return conn;
    } catch (e) {
      const err =
        ac.signal.aborted &&
        ac.signal.reason instanceof P2pError &&
        !(e instanceof P2pError && e.code !== 'CANCELED' && e.code !== 'TIMEOUT')
          ? (ac.signal.reason as P2pError)
          : P2pError.from(e, point);
      return fail(err);
    } finally {
      this.clock.clearTimeout(timer);
      this.outgoing.delete(ac);
    }
  }

  private async connectUnderTimeout(
    point: Point,
    opts: { trusted?: boolean; expectedPeerId?: PeerId },
    signal: AbortSignal,
    timeoutMs: number,
    connection: ConnectionSpan,
    dialSpan: Span,
  ): Promise<P2pConn<M, CM>> {
    const info = this.pool.registerPoint(point, {
      ...(opts.trusted !== undefined ? { trusted: opts.trusted } : {}),
      ...(opts.expectedPeerId ? { expectedPeerId: opts.expectedPeerId } : {}),
    });
    if (this.config.privateMode && !info.trusted)
      throw P2pError.expected('PRIVATE_MODE', `private mode: ${pointToString(point)} is not trusted`, { point });
    if (info.state.kind === 'Requested' || info.state.kind === 'Accepted')
      throw P2pError.expected('PENDING_CONNECTION', `a connection to ${pointToString(point)} is already pending`, {
        point,
      });
    if (info.state.kind === 'Running')
      throw P2pError.expected('CONNECTED', `already connected to ${pointToString(point)}`, { point });
    const cancel = new AbortController();
    const onAbort = () => cancel.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    info.setRequested(this.clock.now(), () => cancel.abort(P2pError.expected('CANCELED', 'cancelled')));
    this.bus.publish({ kind: 'Outgoing_connection', point });
    let socket: ByteStream;
    try {
      const dial = this.config.dialer ?? tcpDialer;
      try {
        socket = await dial(point, { signal: cancel.signal, localAddress: this.config.localAddress });
      } catch (e) {
        const cause = e instanceof Error ? e : new Error(String(e));
        throw P2pError.expected('CONNECTION_FAILED', `cannot reach ${pointToString(point)}: ${cause.message}`, {
          point,
          cause,
        });
      }
      if (cancel.signal.aborted) {
        // A dialer that resolved despite the abort: the stream is not ours to keep.
        socket.destroy();
        throw cancel.signal.reason;
      }
      connection.socket(socket);
      if (dialSpan.isRecording()) dialSpan.addEvent('tezos.p2p.dialed');
    } catch (e) {
      // (re-read: setRequested above changed the state behind the type checker's back)
      if ((info.state as PointInfo<P2pConn<M, CM>>['state']).kind === 'Requested')
        info.setDisconnected(this.clock.now(), this.pool.reconnection);
      throw cancel.signal.aborted ? cancel.signal.reason : e;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    tuneSocket(socket);
    return this.settled(false, point, this.authenticate(info, socket, point, cancel.signal, timeoutMs, connection));
  }

  /** Report the handshake `attempt` once it settles (`handshake_settled`); returns `attempt` itself. */
  private settled<T>(incoming: boolean, point: Point, attempt: Promise<T>): Promise<T> {
    const started = this.clock.now();
    const report = (outcome: string) =>
      this.bus.report({ kind: 'handshake_settled', point, incoming, outcome, durationMs: this.clock.now() - started });
    attempt.then(
      () => report('accepted'),
      (e: unknown) => report(P2pError.from(e).code),
    );
    return attempt;
  }

  // ---- the decision pipeline ----

  /**
   * `raw_authenticate`. `info` is the dialled point for outgoing connections, `undefined` for incoming
   * ones; `point` is the socket's remote point (the dialled point when outgoing).
   */
  private async authenticate(
    info: PointInfo<P2pConn<M, CM>> | undefined,
    socket: ByteStream,
    point: Point,
    signal: AbortSignal,
    timeoutMs: number,
    span: ConnectionSpan,
  ): Promise<P2pConn<M, CM>> {
    const incoming = info === undefined;
    const { config, pool, bus, clock } = this;
    const tap = this.sessionTap(incoming, point);
    let authed: AuthenticatedSocket<CM>;
    try {
      authed = await authenticate(socket, {
        identity: config.identity,
        version: this.announced(),
        listeningPort: config.advertisedPort(),
        expectedProofOfWork: config.expectedProofOfWork,
        metadata: config.connectionMetadata,
        incoming,
        remote: point,
        timeoutMs,
        clock,
        signal,
        backend: config.backend,
        binaryChunksSize: config.limits.binaryChunksSize,
        tap,
        traceContext: span.context,
      });
    } catch (e) {
      const err = P2pError.from(signal.aborted && signal.reason instanceof P2pError ? signal.reason : e, point);
      const ce = e instanceof ConnectionError ? e : undefined;
      // Timeouts and cancellations are not the peer's fault: no greylisting.
      if (ce?.greylistsAddress && !signal.aborted) {
        pool.greylistAddr(point.ip);
        bus.report({ kind: 'address_greylisted', point });
      }
      if (ce?.code === 'MYSELF' && ce.idPoint?.port !== undefined)
        pool.addToIdPoints({ ip: ce.idPoint.ip, port: ce.idPoint.port });
      bus.publish({ kind: 'Authentication_failed', point });
      bus.report({ kind: 'authentication_failed', point, incoming, error: reportedError(err) });
      if (info?.state.kind === 'Requested') info.setDisconnected(clock.now(), pool.reconnection);
      throw err;
    }
    const peerId = authed.info.peerId;
    span.authenticated(authed.info, config.connectionMetadata);
    const refuseSilently = (err: P2pError): never => {
      bus.report({ kind: 'refused_silently', point, peerId, error: reportedError(err) });
      authed.close();
      // Octez leaves an outgoing point in Requested here (a point then stuck forever); we reset it
      // with its back-off instead (docs/CONFORMANCE.md).
      if (info?.state.kind === 'Requested') info.setDisconnected(clock.now(), pool.reconnection);
      throw err;
    };
    if (pool.peers.banned(peerId))
      return refuseSilently(P2pError.expected('PEER_BANNED', `peer ${peerId} is banned`, { point, peerId }));
    const idPoint: ConnectionPoint = authed.info.idPoint;
    const remotePointInfo =
      idPoint.port !== undefined ? pool.registerNewPoint({ ip: idPoint.ip, port: idPoint.port }) : undefined;
    const pointInfo = info ?? remotePointInfo;
    if (pointInfo?.expectedPeerId !== undefined && pointInfo.expectedPeerId !== peerId) {
      return refuseSilently(
        P2pError.expected(
          'IDENTITY_CHECK_FAILURE',
          `point ${pointToString(pointInfo.point)} was expected to be ${pointInfo.expectedPeerId}, got ${peerId}`,
          { point, peerId },
        ),
      );
    }
    const peerInfo = pool.registerPeer(peerId);
    const decision = this.acceptable(incoming, pointInfo, peerInfo, authed.info.announcedVersion);
    pointInfo?.setPrivate(authed.info.privateNode);
    if (decision.kind === 'private')
      return refuseSilently(
        P2pError.expected('PRIVATE_MODE', `private mode: ${peerId} is not trusted`, { point, peerId }),
      );
    if (decision.kind === 'reject') return this.nack(authed, info, point, idPoint, peerId, decision.motive);
    return this.acceptConnection(authed, info, pointInfo, peerInfo, point, idPoint, decision.version, signal, span);
  }

  /** One tap per handshake attempt, from the configured factory (none when it is unset or throws). */
  private sessionTap(incoming: boolean, point: Point): SessionTap | undefined {
    const factory = this.config.sessionTap;
    if (factory === undefined) return undefined;
    try {
      return factory({ incoming, point });
    } catch {
      return undefined;
    }
  }

  /** Steps 7a–7c of `raw_authenticate`, in Octez's order. */
  private acceptable(
    incoming: boolean,
    pointInfo: PointInfo<P2pConn<M, CM>> | undefined,
    peerInfo: PeerInfo<P2pConn<M, CM>, PM, CM>,
    announced: NetworkVersion,
  ): { kind: 'ok'; version: NetworkVersion } | { kind: 'reject'; motive: NackMotive } | { kind: 'private' } {
    const selection = selectVersion(this.config.versions, announced);
    if (!selection.ok) return { kind: 'reject', motive: selection.motive };
    if (this.pool.activeConnections >= this.connectionsThreshold)
      return { kind: 'reject', motive: { kind: 'Too_many_connections' } };
    if (this.config.privateMode && !(pointInfo?.trusted || peerInfo.trusted)) return { kind: 'private' };
    const ps = pointInfo?.state.kind;
    if (ps === 'Accepted' || ps === 'Running' || (ps === 'Requested' && incoming))
      return { kind: 'reject', motive: { kind: 'Already_connected' } };
    const peerState = peerInfo.state.kind;
    if (peerState === 'Accepted' || peerState === 'Running')
      return { kind: 'reject', motive: { kind: 'Already_connected' } };
    return { kind: 'ok', version: selection.version };
  }

  /** The Nack path: refuse with the motive and alternative points, then close. */
  private async nack(
    authed: AuthenticatedSocket<CM>,
    info: PointInfo<P2pConn<M, CM>> | undefined,
    point: Point,
    idPoint: ConnectionPoint,
    peerId: PeerId,
    motive: NackMotive,
  ): Promise<never> {
    const { pool, bus, clock, config } = this;
    bus.publish({ kind: 'Rejecting_request', point, idPoint, peerId });
    bus.report({ kind: 'nack_sent', point, peerId, motive });
    const alternatives = config.disablePeerDiscovery ? [] : pool.listKnownPoints({ ignorePrivate: true, size: 50 });
    await authed.nack(motive, alternatives);
    if (info?.state.kind === 'Requested') info.setDisconnected(clock.now(), pool.reconnection, true);
    const versionProblem =
      motive.kind === 'Unknown_chain_name' ||
      motive.kind === 'Deprecated_p2p_version' ||
      motive.kind === 'Deprecated_distributed_db_version';
    if (versionProblem) {
      pool.unregisterPoint(point);
      throw P2pError.expected(
        'REJECTED_NO_COMMON_PROTOCOL',
        `no common protocol with ${peerId}: ${describeNackMotive(motive)}`,
        { point, peerId, motive, announcedVersion: authed.info.announcedVersion },
      );
    }
    throw P2pError.expected('REJECTED', `refused ${peerId}: ${describeNackMotive(motive)}`, { point, peerId, motive });
  }

  private async acceptConnection(
    authed: AuthenticatedSocket<CM>,
    info: PointInfo<P2pConn<M, CM>> | undefined,
    pointInfo: PointInfo<P2pConn<M, CM>> | undefined,
    peerInfo: PeerInfo<P2pConn<M, CM>, PM, CM>,
    point: Point,
    idPoint: ConnectionPoint,
    version: NetworkVersion,
    signal: AbortSignal,
    span: ConnectionSpan,
  ): Promise<P2pConn<M, CM>> {
    const { pool, bus, clock, config } = this;
    const peerId = peerInfo.peerId;
    bus.publish({ kind: 'Accepting_request', point, idPoint, peerId });
    const cancel = () => authed.close();
    pointInfo?.setAccepted(clock.now(), peerId, cancel);
    peerInfo.setAccepted(clock.now(), idPoint, cancel);
    let connection;
    try {
      connection = await authed.accept({
        messageEncoding: config.messageEncoding,
        scheduler: this.scheduler,
        negotiatedVersion: version,
        maxMessageSize: config.limits.maxMessageSize,
        // The per-connection queues; the budgets over all of them come with the scheduler.
        readQueueSize: config.limits.incomingMessageQueueSize,
        writeQueueSize: config.limits.outgoingMessageQueueSize,
        binaryChunksSize: config.limits.binaryChunksSize,
      });
    } catch (e) {
      const err = P2pError.from(signal.aborted && signal.reason instanceof P2pError ? signal.reason : e, point);
      if (info === undefined) bus.publish({ kind: 'Request_rejected', point, identity: { idPoint, peerId } });
      if (err.code === 'REJECTED_BY_NACK' && err.alternativePoints && !config.disablePeerDiscovery) {
        pool.registerListOfNewPoints(err.alternativePoints, { medium: 'Nack', source: peerId });
      }
      if (pointInfo?.state.kind === 'Accepted') pointInfo.setDisconnected(clock.now(), pool.reconnection);
      if (peerInfo.state.kind === 'Accepted') peerInfo.setDisconnected(clock.now());
      throw err;
    }
    // The connection id point: the dialled point for outgoing connections, the announced one otherwise.
    const connectionPoint: ConnectionPoint = info !== undefined ? { ip: point.ip, port: point.port } : idPoint;
    const trustedNode = peerInfo.trusted || (pointInfo?.trusted ?? false);
    span.established(version, trustedNode);
    const conn = new P2pConn<M, CM>({
      connection,
      idPoint: connectionPoint,
      trustedNode,
      answerer: this.answerer,
      disablePeerDiscovery: config.disablePeerDiscovery,
      appQueueSize: config.limits.incomingAppMessageQueueSize,
      clock,
      ...this.connectionHooks(pointInfo, peerInfo, connectionPoint),
      onAppMessage: this.hooks.onAppMessage,
      bus,
      span,
    });
    const now = clock.now();
    if (pointInfo) {
      pointInfo.setRunning(now, peerId, conn);
      pool.points.addConnected(pointInfo);
    }
    peerInfo.setRunning(now, connectionPoint, conn, connection.info.remoteMetadata);
    pool.peers.addConnected(peerInfo);
    // Published once point and peer are both running (Octez logs it between the two, but its log is
    // read asynchronously; our subscribers are called at once and must not see the peer still Accepted).
    bus.publish({ kind: 'Connection_established', idPoint: connectionPoint, peerId });
    bus.report({ kind: 'new_connection', peerId, point: connectionPoint, incoming: info === undefined });
    conn.start();
    this.hooks.onNewConnection?.(conn);
    if (config.limits.maxConnections <= pool.activeConnections) bus.trigger('tooManyConnections');
    return conn;
  }

  /**
   * The greylisting and closing callbacks of a running connection. Made here, not in
   * `acceptConnection`: closures share their function's scope, and that one holds the handshake
   * (its reader, deadline and abort signal), which the connection would then keep as long as it runs.
   */
  private connectionHooks(
    pointInfo: PointInfo<P2pConn<M, CM>> | undefined,
    peerInfo: PeerInfo<P2pConn<M, CM>, PM, CM>,
    connectionPoint: ConnectionPoint,
  ): Pick<P2pConnOptions<M, CM>, 'greylist' | 'onClosed'> {
    return {
      greylist: (motive) => {
        const peerId = peerInfo.peerId;
        this.bus.report({ kind: 'greylisted', peerId, point: connectionPoint, motive });
        this.pool.greylistPeer(peerId);
      },
      onClosed: (c) => this.onClosed(c, pointInfo, peerInfo),
    };
  }

  /** The on-cancel hook of `create_connection`. */
  private onClosed(
    conn: P2pConn<M, CM>,
    pointInfo: PointInfo<P2pConn<M, CM>> | undefined,
    peerInfo: PeerInfo<P2pConn<M, CM>, PM, CM>,
  ): void {
    const { pool, bus, clock, config } = this;
    const now = clock.now();
    if (pointInfo?.state.kind === 'Running' && pointInfo.state.connection === conn) {
      pointInfo.setDisconnected(now, pool.reconnection);
      pool.points.removeConnected(pointInfo);
    }
    if (peerInfo.state.kind === 'Running' && peerInfo.state.connection === conn) {
      peerInfo.setDisconnected(now);
      pool.peers.removeConnected(peerInfo);
    }
    // Published once point and peer are both disconnected (see `Connection_established`).
    bus.publish({ kind: 'Disconnection', peerId: conn.peerId });
    this.hooks.onDisconnection?.(conn);
    if (pool.activeConnections < config.limits.minConnections) bus.trigger('tooFewConnections');
  }

  /** Cancel the handshakes in progress (`P2p_connect_handler.destroy`). */
  stop(): void {
    this.destroyed = true;
    const cancelled = P2pError.expected('P2P_SHUT_DOWN', 'the P2P layer is shutting down');
    for (const slot of this.incoming.held()) slot.controller.abort(cancelled);
    for (const ac of this.outgoing) ac.abort(cancelled);
  }
}
