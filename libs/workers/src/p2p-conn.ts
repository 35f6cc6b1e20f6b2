import {
  type Connection,
  ConnectionError,
  type ConnectionStat,
  type DisconnectReason,
  type Leased,
} from '@tezos-p2p/connection';
import { type Clock, type EventBus, type P2pConnReport, reportedError } from '@tezos-p2p/events';
import type { PoolConnection } from '@tezos-p2p/pool';
import type { ConnectionPoint, NetworkVersion, P2pMessage, PeerId, Point } from '@tezos-p2p/wire';
import type { ConnectionSpan } from './connection-span.js';
import { P2pError } from './errors.js';
import { Throttle, type ThrottledKind } from './throttle.js';

/** An application message and the lease of the P2P message it came in. */
interface AppMessage<M> {
  readonly msg: M;
  readonly lease: Leased<P2pMessage<M>>;
}

function leasedApp<M>(item: AppMessage<M>): Leased<M> {
  return { value: item.msg, bytes: item.lease.bytes, release: () => item.lease.release() };
}

/** The callbacks of the protocol answerer (`P2p_answerer`), awaited one message at a time. */
export interface Answerer<M, CM> {
  bootstrap(conn: P2pConn<M, CM>): Promise<void>;
  advertise(conn: P2pConn<M, CM>, points: readonly Point[]): Promise<void>;
  swapRequest(conn: P2pConn<M, CM>, point: Point, peerId: PeerId): Promise<void>;
  swapAck(conn: P2pConn<M, CM>, point: Point, peerId: PeerId): Promise<void>;
}

export type { P2pConnReport };

export interface P2pConnOptions<M, CM> {
  readonly connection: Connection<M, CM>;
  /** The connection id point: dialled point (outgoing) or announced listening point (incoming). */
  readonly idPoint: ConnectionPoint;
  /** Peer or point trusted at creation (`trusted_node`). */
  readonly trustedNode: boolean;
  readonly answerer: Answerer<M, CM>;
  /** No Bootstrap or Advertise is sent, and those received are ignored (`P2p_conn`). */
  readonly disablePeerDiscovery: boolean;
  /**
   * A count; Octez's pipe accepts a message while fewer than size − 1 wait, or when empty. In bytes,
   * the queue is bounded by the connection's share of the read budget: its messages stay accounted
   * there until the application reads them.
   */
  readonly appQueueSize: number;
  readonly clock: Clock;
  /** Called on a decoding error, before the connection closes (`greylister ~motive`). */
  readonly greylist: (motive: string) => void;
  /** Called once when the connection has closed, whatever closed it. */
  readonly onClosed: (conn: P2pConn<M, CM>, reason: DisconnectReason) => void;
  /** Where the connection publishes its `P2pConnReport`s (none without a bus). */
  readonly bus?: EventBus | undefined;
  /**
   * Called each time an application message is queued: one function shared by every connection (the
   * P2P layer's `recvAny` wake-up), where `onAppMessage` would cost each a listener and its removal.
   */
  readonly onAppMessage?: ((conn: P2pConn<M, CM>) => void) | undefined;
  /** Its `p2p.connection` span, which gets the topology messages as events and ends with the connection. */
  readonly span?: ConnectionSpan | undefined;
}

/**
 * A running connection as the P2P layer drives it (`P2p_conn`): one loop reads messages one at a
 * time and awaits their handling — P2P messages go to the answerer (throttled per kind), application
 * messages to a bounded queue whose fullness stops the loop, hence the socket. Every message keeps its
 * bytes in the read budget until it is handled (P2P messages) or read by the application, so the
 * budget, not the count of 10, is what bounds the memory a peer holds. Every way of closing (peer,
 * error, local request) ends in the same `onClosed` call.
 */
export class P2pConn<M, CM> implements PoolConnection {
  readonly connection: Connection<M, CM>;
  readonly idPoint: ConnectionPoint;
  readonly trustedNode: boolean;
  /** The connection's `p2p.connection` span (for links to it), when the creator gave one. */
  readonly span: ConnectionSpan | undefined;
  /** Set when we send a Swap_request on this connection; never cleared (as Octez). */
  lastSentSwapRequest: { readonly at: number; readonly peerId: PeerId } | undefined;

  private readonly options: P2pConnOptions<M, CM>;
  /** Made with the first protocol message handled (an idle connection has none). */
  private throttle: Throttle | undefined;
  private readonly appQueue: AppMessage<M>[] = [];
  private readonly readers: { resolve: (m: AppMessage<M>) => void; reject: (e: Error) => void }[] = [];
  private spaceWaiter: (() => void) | undefined;
  /**
   * Set once the connection itself has closed (the peer closed it, a socket error): the error that
   * cut the loop's waits short then, told apart from a local stop by identity.
   */
  private lostError: P2pError | undefined;
  /**
   * Why the loop's waits (throttle, room in the application queue) give up: the first of a stop and
   * the connection lost. A plain field, and the abort signal a throttle wait needs is made from it on
   * first use: an AbortSignal is an EventTarget of ~1 KiB, and most connections never wait.
   */
  private waitsCancelled: P2pError | undefined;
  private waitController: AbortController | undefined;
  private requested: DisconnectReason | undefined;
  private finished: DisconnectReason | undefined;
  /** Made on the first `onAppMessage` (the P2P layer itself is told through `options.onAppMessage`). */
  private appListeners: Set<() => void> | undefined;
  readonly done: Promise<DisconnectReason>;
  private resolveDone!: (r: DisconnectReason) => void;

  constructor(options: P2pConnOptions<M, CM>) {
    this.options = options;
    this.connection = options.connection;
    this.idPoint = options.idPoint;
    this.trustedNode = options.trustedNode;
    this.span = options.span;
    this.done = new Promise((r) => (this.resolveDone = r));
    // Octez's I/O scheduler cancels a connection as soon as its socket fails or the peer closes it,
    // whatever the connection's loop is doing. Here the loop may be asleep in the protocol throttle
    // (60 s after a second Swap_request) or waiting for room in the application queue: the close
    // must wake it, or the dead connection would stay in the pool, counted and listed, that long.
    void this.connection.closed.then(() => {
      if (this.finished !== undefined) return;
      this.lostError = P2pError.expected('CANCELED', 'connection lost');
      this.cancelWaits(this.lostError);
      const w = this.spaceWaiter;
      this.spaceWaiter = undefined;
      w?.();
    });
  }

  get peerId(): PeerId {
    return this.connection.info.peerId;
  }

  get privateNode(): boolean {
    return this.connection.info.privateNode;
  }

  get negotiatedVersion(): NetworkVersion | undefined {
    return this.connection.negotiatedVersion;
  }

  get isClosed(): boolean {
    return this.finished !== undefined;
  }

  /** Start the read loop. */
  start(): void {
    this.loop().catch((e: unknown) => {
      // Not expected (the loop catches what reading and handling throw): reported, and the connection
      // is closed rather than left running without a reader. A connection is not restarted.
      this.options.bus?.report({
        kind: 'worker_failed',
        worker: 'connection',
        error: reportedError(e),
        restarted: false,
      });
      this.finish({ kind: 'Unknown_reason' });
    });
  }

  private async loop(): Promise<void> {
    let reason: DisconnectReason;
    for (;;) {
      if (this.requested) {
        reason = this.requested;
        break;
      }
      let leased: Leased<P2pMessage<M>>;
      try {
        leased = await this.connection.recvLeased();
      } catch (e) {
        reason = this.requested ?? this.readFailure(e);
        break;
      }
      try {
        if (await this.handle(leased)) continue;
        reason = { kind: 'Disconnect_received' };
      } catch (e) {
        if (!this.requested && this.lostError !== undefined && e === this.lostError) {
          // A wait cut short by the connection's own close: that close is the reason, and a decoding
          // error still greylists, as when the loop reads it.
          const r = this.connection.disconnectReason;
          reason = r?.kind === 'Read_error' ? this.readFailure(r.error) : (r ?? { kind: 'Connection_closed_by_peer' });
          break;
        }
        // An answerer failure (e.g. our Advertise could not be written) closes the connection.
        reason = this.requested ?? {
          kind: 'Write_error',
          error: e instanceof ConnectionError ? e : new ConnectionError('SOCKET_ERROR', String(e)),
        };
      }
      break;
    }
    this.finish(reason);
  }

  private readFailure(e: unknown): DisconnectReason {
    if (!(e instanceof ConnectionError)) return { kind: 'Unknown_reason' };
    if (e.code === 'DECODING_ERROR' || e.code === 'MESSAGE_TOO_LARGE') {
      // Octez greylists the peer (id and address) on a decoding error, while it is still running.
      this.options.greylist('decoding error');
      return { kind: 'Read_error', error: e };
    }
    if (e.code === 'CONNECTION_CLOSED') return { kind: 'Connection_closed_by_peer' };
    return this.connection.disconnectReason ?? { kind: 'Read_error', error: e };
  }

  /**
   * Returns false when the connection must close (Disconnect received). An application message goes
   * to the queue with its lease; any other is released once handled.
   */
  private async handle(leased: Leased<P2pMessage<M>>): Promise<boolean> {
    const msg = leased.value;
    if (msg.kind === 'Message') {
      await this.pushApp({ msg: msg.message, lease: leased });
      return true;
    }
    try {
      return await this.handleP2p(msg);
    } finally {
      leased.release();
    }
  }

  /** The abort signal of the loop's waits, made on first use (see `waitsCancelled`). */
  private waitSignal(): AbortSignal {
    if (this.waitController === undefined) {
      this.waitController = new AbortController();
      if (this.waitsCancelled !== undefined) this.waitController.abort(this.waitsCancelled);
    }
    return this.waitController.signal;
  }

  /** A stop or the connection lost: the first reason is the one every wait gives up with. */
  private cancelWaits(reason: P2pError): void {
    if (this.waitsCancelled !== undefined) return;
    this.waitsCancelled = reason;
    this.waitController?.abort(reason);
  }

  /** The protocol throttle's wait for `kind`; its abort signal is made only if there is a wait. */
  private throttled(kind: ThrottledKind): Promise<void> {
    this.throttle ??= new Throttle(this.options.clock);
    return this.throttle.wait(kind, () => this.waitSignal());
  }

  private async handleP2p(msg: Exclude<P2pMessage<M>, { kind: 'Message' }>): Promise<boolean> {
    const { answerer, disablePeerDiscovery } = this.options;
    this.span?.message('receive', msg);
    switch (msg.kind) {
      case 'Disconnect':
        return false;
      case 'Bootstrap':
        this.options.bus?.report({ kind: 'bootstrap_received', peerId: this.peerId });
        if (disablePeerDiscovery) return true;
        await this.throttled('bootstrap');
        await answerer.bootstrap(this);
        return true;
      case 'Advertise':
        this.options.bus?.report({ kind: 'advertise_received', peerId: this.peerId, points: msg.points });
        if (disablePeerDiscovery) return true;
        await this.throttled('advertise');
        await answerer.advertise(this, msg.points);
        return true;
      case 'Swap_request':
        await this.throttled('swapRequest');
        await answerer.swapRequest(this, msg.point, msg.peerId);
        return true;
      case 'Swap_ack':
        await this.throttled('swapAck');
        await answerer.swapAck(this, msg.point, msg.peerId);
        return true;
    }
  }

  /** A message dropped on the way (the connection stopping) is released, not leaked from the budget. */
  private async pushApp(item: AppMessage<M>): Promise<void> {
    const r = this.readers.shift();
    if (r) return r.resolve(item);
    // Lwt_pipe's rule: push while current + 1 < bound, or into an empty queue.
    while (this.appQueue.length > 0 && this.appQueue.length + 1 >= this.options.appQueueSize) {
      await new Promise<void>((resolve) => (this.spaceWaiter = resolve));
      if (this.requested || this.finished) return item.lease.release();
      if (this.lostError !== undefined) {
        item.lease.release();
        throw this.lostError;
      }
    }
    this.appQueue.push(item);
    this.options.onAppMessage?.(this);
    if (this.appListeners !== undefined) for (const l of this.appListeners) l();
  }

  // ---- application side ----

  /** Next application message from this peer; rejects once closed and drained. */
  read(): Promise<M> {
    const m = this.tryRead();
    if (m !== undefined) return Promise.resolve(m.msg);
    return this.readLeased().then((l) => {
      l.release();
      return l.value;
    });
  }

  tryRead(): { msg: M } | undefined {
    const item = this.tryReadLeased();
    if (item === undefined) return undefined;
    item.release();
    return { msg: item.value };
  }

  /**
   * `read`, but the message's bytes stay in the read budget until `release()`: for an application
   * that keeps the message a while (e.g. until it can be sent back), so that what it holds is bounded
   * by the budget too. Forgetting to release keeps the connection's share taken until it closes.
   */
  readLeased(): Promise<Leased<M>> {
    const m = this.tryReadLeased();
    if (m !== undefined) return Promise.resolve(m);
    if (this.finished) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.readers.push({ resolve: (item) => resolve(leasedApp(item)), reject }));
  }

  tryReadLeased(): Leased<M> | undefined {
    const item = this.appQueue.shift();
    if (item === undefined) return undefined;
    const w = this.spaceWaiter;
    this.spaceWaiter = undefined;
    w?.();
    return leasedApp(item);
  }

  get queuedAppMessages(): number {
    return this.appQueue.length;
  }

  /** Notified each time an application message is queued (for `recvAny`). */
  onAppMessage(listener: () => void): () => void {
    const listeners = (this.appListeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  private closedError(): P2pError {
    return P2pError.expected('CONNECTION_CLOSED_LOCALLY', `connection to ${this.peerId} is closed`, {
      peerId: this.peerId,
    });
  }

  /** Queue a message, waiting while the write queue is full (`P2p_conn.write`). */
  write(msg: P2pMessage<M>): Promise<void> {
    if (this.finished) return Promise.reject(this.closedError());
    const span = this.span;
    // Application messages are never span events: their path stays free of tracing.
    if (span === undefined || msg.kind === 'Message') return this.connection.send(msg);
    return this.connection.send(msg).then(() => span.message('transmit', msg));
  }

  /** Queue a message if there is room now (`write_now`); false when full or closed. */
  writeNow(msg: P2pMessage<M>): boolean {
    if (this.finished) return false;
    const queued = this.connection.trySend(msg);
    if (queued && msg.kind !== 'Message') this.span?.message('transmit', msg);
    return queued;
  }

  /** `write_now` of an already encoded message (broadcasts encode once). */
  writeEncodedNow(frame: Uint8Array): boolean {
    if (this.finished) return false;
    return this.connection.trySendEncoded(frame);
  }

  writeEncoded(frame: Uint8Array): Promise<void> {
    if (this.finished) return Promise.reject(this.closedError());
    return this.connection.sendEncoded(frame);
  }

  /**
   * `write_bootstrap`: ask the peer for points without waiting; false when the queue is full. With
   * peer discovery disabled nothing is written, so that such a node never asks (tezt
   * `p2p-peer-discovery-disable` checks that no Bootstrap leaves it).
   */
  writeBootstrap(): boolean {
    if (this.options.disablePeerDiscovery) {
      this.options.bus?.report({ kind: 'peer_discovery_disabled', peerId: this.peerId });
      return false;
    }
    return this.writeNow({ kind: 'Bootstrap' });
  }

  /**
   * `write_advertise`: offer points without waiting; false when the queue is full. With peer
   * discovery disabled nothing is written (Octez fails with `Peer_discovery_disabled`; its answerer,
   * like ours, is not even called then, since received Bootstraps are ignored).
   */
  writeAdvertise(points: readonly Point[]): boolean {
    if (this.options.disablePeerDiscovery) return false;
    return this.writeNow({ kind: 'Advertise', points });
  }

  /** `write_swap_request`: remembers what we proposed, then sends without waiting. */
  writeSwapRequest(point: Point, peerId: PeerId): boolean {
    this.lastSentSwapRequest = { at: this.options.clock.now(), peerId };
    return this.writeNow({ kind: 'Swap_request', point, peerId });
  }

  stat(): ConnectionStat {
    return this.connection.stat();
  }

  /** Close with `reason`; with `wait`, what is queued for writing is sent first. */
  async disconnect(reason: DisconnectReason, opts: { wait?: boolean } = {}): Promise<void> {
    if (this.finished || this.requested) return void (await this.done);
    this.requested = reason;
    this.cancelWaits(P2pError.expected('CANCELED', 'connection closing'));
    const w = this.spaceWaiter;
    this.spaceWaiter = undefined;
    w?.();
    await this.connection.disconnect({ reason, wait: opts.wait ?? false });
    await this.done;
  }

  private finish(reason: DisconnectReason): void {
    if (this.finished) return;
    this.finished = reason;
    if (this.waitsCancelled === undefined) this.cancelWaits(P2pError.expected('CANCELED', 'connection closed'));
    if (!this.connection.isClosed) this.connection.close(reason);
    if (this.readers.length > 0) {
      const err = this.closedError();
      for (const r of this.readers.splice(0)) r.reject(err);
    }
    this.appListeners?.clear();
    this.span?.closed(reason, this.connection.stat());
    try {
      this.options.onClosed(this, reason);
    } finally {
      this.resolveDone(reason);
    }
  }
}
