import { SpanStatusCode } from '@opentelemetry/api';
import type { AnswererReport, Clock, EventBus } from '@tezos-p2p/events';
import type { Pool } from '@tezos-p2p/pool';
import type { PeerId, Point } from '@tezos-p2p/wire';
import type { Answerer, P2pConn } from './p2p-conn.js';
import { P2pError } from './errors.js';
import { linkToConnection } from './connection-span.js';
import { tracer } from './tracer.js';

/** Which connection a swap's link points to: the one it was negotiated on, the one it opens, the one it drops. */
type SwapRole = 'source' | 'new' | 'replaced';

function linkTo<M, CM>(conn: P2pConn<M, CM> | undefined, role: SwapRole) {
  return linkToConnection(conn, { 'tezos.p2p.swap.role': role });
}

export type { AnswererReport };

export interface AnswererContext<M, PM, CM> {
  readonly pool: Pool<P2pConn<M, CM>, PM, CM>;
  readonly bus: EventBus;
  readonly clock: Clock;
  /** `swap_linger`: `null` disables answering swaps. */
  readonly swapLingerMs: number | null;
  /** The connect handler's outgoing connect (used to complete swaps). */
  readonly connect: (point: Point) => Promise<P2pConn<M, CM>>;
}

/**
 * `P2p_protocol.Default_answerer`: answers Bootstrap with an Advertise of known public points,
 * registers advertised points, and carries out swaps (trade a connection for one to a point the peer
 * proposes), at most one per `swap_linger`.
 */
export class DefaultAnswerer<M, PM, CM> implements Answerer<M, CM> {
  private latestAcceptedSwap = Number.NEGATIVE_INFINITY;
  private latestSuccessfulSwap = Number.NEGATIVE_INFINITY;

  constructor(private readonly ctx: AnswererContext<M, PM, CM>) {}

  async advertise(conn: P2pConn<M, CM>, points: readonly Point[]): Promise<void> {
    this.ctx.bus.publish({ kind: 'Advertise_received', source: conn.peerId });
    this.ctx.pool.registerListOfNewPoints(points, { medium: 'advertise', source: conn.peerId });
  }

  async bootstrap(conn: P2pConn<M, CM>): Promise<void> {
    this.ctx.bus.publish({ kind: 'Bootstrap_received', source: conn.peerId });
    if (conn.privateNode) {
      this.ctx.bus.report({ kind: 'private_node_request', peerId: conn.peerId });
      return;
    }
    const points = this.ctx.pool.listKnownPoints({ ignorePrivate: true });
    if (points.length === 0) return;
    // Dropped silently when the write queue is full; a closed connection fails the callback.
    if (conn.writeAdvertise(points)) this.ctx.bus.publish({ kind: 'Advertise_sent', source: conn.peerId });
  }

  async swapRequest(conn: P2pConn<M, CM>, point: Point, _proposedPeer: PeerId): Promise<void> {
    const { bus, clock, pool, swapLingerMs } = this.ctx;
    const source = conn.peerId;
    bus.publish({ kind: 'Swap_request_received', source });
    if (swapLingerMs === null) return;
    const now = clock.now();
    const busy = pool.points.info(point)?.state.kind;
    if (
      now - Math.max(this.latestSuccessfulSwap, this.latestAcceptedSwap) < swapLingerMs ||
      (busy !== undefined && busy !== 'Disconnected')
    ) {
      bus.publish({ kind: 'Swap_request_ignored', source });
      return;
    }
    if (conn.isClosed) return;
    const candidate = pool.connections.randomAddr({ differentThan: conn, noPrivate: true });
    if (candidate === undefined) {
      this.ctx.bus.report({ kind: 'no_swap_candidate', peerId: source });
      return;
    }
    if (!conn.writeNow({ kind: 'Swap_ack', point: candidate.point, peerId: candidate.peerId })) return;
    bus.publish({ kind: 'Swap_ack_sent', source });
    await this.swap(conn, point, candidate.peerId);
  }

  async swapAck(conn: P2pConn<M, CM>, point: Point, _offeredPeer: PeerId): Promise<void> {
    const { bus, pool, swapLingerMs } = this.ctx;
    bus.publish({ kind: 'Swap_ack_received', source: conn.peerId });
    const proposed = conn.lastSentSwapRequest?.peerId;
    if (swapLingerMs === null || proposed === undefined) return;
    if (pool.connections.findByPoint(point) !== undefined) return;
    // We proposed `proposed` to this peer; having reached its offered point, we drop `proposed`.
    await this.swap(conn, point, proposed);
  }

  /**
   * Connect to `point`; on success drop our connection to `replaced`. The span links to the
   * `p2p.connection` spans of the connections involved (each connection is its own trace).
   */
  private async swap(sourceConn: P2pConn<M, CM>, point: Point, replaced: PeerId): Promise<void> {
    const { bus, clock, pool } = this.ctx;
    const source = sourceConn.peerId;
    this.latestAcceptedSwap = clock.now();
    const span = tracer.startSpan('p2p.swap', {
      attributes: {
        'tezos.p2p.peer_id': source,
        'tezos.p2p.swap.replaced_peer_id': replaced,
        'network.peer.address': point.ip,
        'network.peer.port': point.port,
      },
      links: [...linkTo(sourceConn, 'source'), ...linkTo(pool.connections.findByPeerId(replaced), 'replaced')],
    });
    let created: P2pConn<M, CM>;
    try {
      created = await this.ctx.connect(point);
    } catch (e) {
      this.latestAcceptedSwap = this.latestSuccessfulSwap;
      bus.publish({ kind: 'Swap_failure', source });
      const error = e instanceof Error ? e.message : String(e);
      this.ctx.bus.report({ kind: 'swap_failed', peerId: source, error });
      const code = e instanceof P2pError ? e.code : 'error';
      span.setAttributes({ 'error.type': code, 'tezos.p2p.outcome': code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
      return;
    }
    this.latestSuccessfulSwap = clock.now();
    bus.publish({ kind: 'Swap_success', source });
    span.addLinks(linkTo(created, 'new'));
    span.setAttribute('tezos.p2p.outcome', 'success');
    span.end();
    const old = pool.connections.findByPeerId(replaced);
    if (old !== undefined) void old.disconnect({ kind: 'Peer_swapped' });
  }
}

/** `P2p_protocol.Private_answerer`: a private node ignores topology messages, only logging them. */
export class PrivateAnswerer<M, CM> implements Answerer<M, CM> {
  /** `bus`: where the ignored messages are reported. */
  constructor(private readonly bus?: EventBus) {}

  async advertise(conn: P2pConn<M, CM>): Promise<void> {
    this.bus?.report({ kind: 'private_node_ignored', message: 'Advertise', peerId: conn.peerId });
  }

  async bootstrap(conn: P2pConn<M, CM>): Promise<void> {
    this.bus?.report({ kind: 'private_node_ignored', message: 'Bootstrap', peerId: conn.peerId });
  }

  async swapRequest(conn: P2pConn<M, CM>): Promise<void> {
    this.bus?.report({ kind: 'private_node_ignored', message: 'Swap_request', peerId: conn.peerId });
  }

  async swapAck(conn: P2pConn<M, CM>): Promise<void> {
    this.bus?.report({ kind: 'private_node_ignored', message: 'Swap_ack', peerId: conn.peerId });
  }
}
