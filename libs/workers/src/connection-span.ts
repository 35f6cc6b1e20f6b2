import {
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  SpanStatusCode,
  context,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import {
  type ByteStream,
  type ConnectionInfo,
  type ConnectionStat,
  type DisconnectReason,
  type IoDirection,
  metadataAttributes,
  versionAttributes,
} from '@tezos-p2p/connection';
import type { ConnectionMetadataConfig, NetworkVersion, P2pMessage, Point } from '@tezos-p2p/wire';
import { pointToString } from '@tezos-p2p/wire';
import { tracer } from './tracer.js';

export type ConnectionDirection = 'incoming' | 'outgoing';

/** The messages of the P2P protocol itself that become span events (application messages never do). */
type TopologyMessage = Exclude<P2pMessage<unknown>, { kind: 'Message' } | { kind: 'Disconnect' }>;

function isTopology<M>(msg: P2pMessage<M>): msg is P2pMessage<M> & TopologyMessage {
  return msg.kind !== 'Message' && msg.kind !== 'Disconnect';
}

function messageAttributes(direction: IoDirection, msg: TopologyMessage): Attributes {
  const attrs: Attributes = { 'network.io.direction': direction, 'tezos.p2p.message.kind': msg.kind };
  switch (msg.kind) {
    case 'Bootstrap':
      return attrs;
    case 'Advertise':
      attrs['tezos.p2p.message.points'] = msg.points.length;
      return attrs;
    case 'Swap_request':
    case 'Swap_ack':
      attrs['tezos.p2p.swap.point'] = pointToString(msg.point);
      attrs['tezos.p2p.swap.peer_id'] = msg.peerId;
      return attrs;
  }
}

/** The socket's local end, for streams that are TCP sockets (in-memory ones have none). */
function localEnd(socket: ByteStream): Attributes {
  const s = socket as { localAddress?: unknown; localPort?: unknown };
  const attrs: Attributes = {};
  if (typeof s.localAddress === 'string') attrs['network.local.address'] = s.localAddress.replace(/^::ffff:/, '');
  if (typeof s.localPort === 'number') attrs['network.local.port'] = s.localPort;
  return attrs;
}

/**
 * A link to a connection's `p2p.connection` span, for the spans of what acted on several connections
 * (swaps, maintenance); none when the connection has no span or a no-op one (tracing off).
 */
export function linkToConnection(
  conn: { readonly span?: ConnectionSpan | undefined } | undefined,
  attributes: Attributes,
): Link[] {
  const ctx = conn?.span?.spanContext;
  return ctx !== undefined && isSpanContextValid(ctx) ? [{ context: ctx, attributes }] : [];
}

/**
 * The `p2p.connection` span: one per connection attempt, from the accept (incoming) or the call to
 * `connect` (outgoing) to the disconnection, or to the failure of the dial or the handshake. It is a
 * trace root (a connection is its own story, whatever started it); `p2p.connect` and
 * `p2p.authenticate` start in `context`, and swaps link to it.
 *
 * Tracing off costs one no-op span per connection: per-message events are built only when the span
 * records.
 */
export class ConnectionSpan {
  private readonly span: Span;
  /**
   * The context that was active at creation. The children's context is made from it when asked (in
   * the handshake only), rather than kept: a context holds a Map, and the span lives as long as the
   * connection.
   */
  private readonly parent: Context;
  private ended = false;

  constructor(direction: ConnectionDirection, remote: Point) {
    this.span = tracer.startSpan('p2p.connection', {
      root: true,
      attributes: {
        'tezos.p2p.direction': direction,
        'network.peer.address': remote.ip,
        'network.peer.port': remote.port,
        'network.transport': 'tcp',
        'network.type': remote.ip.includes(':') ? 'ipv6' : 'ipv4',
      },
    });
    this.parent = context.active();
  }

  /** The context the connection's children start in. */
  get context(): Context {
    return trace.setSpan(this.parent, this.span);
  }

  get spanContext(): SpanContext {
    return this.span.spanContext();
  }

  get isRecording(): boolean {
    return this.span.isRecording();
  }

  /** The byte stream is up: its local end (the remote one is known from the start). */
  socket(socket: ByteStream): void {
    if (this.span.isRecording()) this.span.setAttributes(localEnd(socket));
  }

  /** The handshake authenticated the peer: who it is and what it announced. */
  authenticated<CM>(info: ConnectionInfo<CM>, metadata: ConnectionMetadataConfig<CM>): void {
    if (!this.span.isRecording()) return;
    this.span.setAttributes({
      'tezos.p2p.peer_id': info.peerId,
      'tezos.p2p.id_point': `${info.idPoint.ip}:${info.idPoint.port ?? 0}`,
      'tezos.p2p.private_node': info.privateNode,
      ...versionAttributes('tezos.p2p.announced_version', info.announcedVersion),
      ...metadataAttributes('tezos.p2p.metadata.local', metadata.toJson(info.localMetadata)),
      ...metadataAttributes('tezos.p2p.metadata.remote', metadata.toJson(info.remoteMetadata)),
    });
  }

  /** Both Acks exchanged: the connection runs with `version`. */
  established(version: NetworkVersion, trusted: boolean): void {
    if (!this.span.isRecording()) return;
    this.span.setAttributes({
      ...versionAttributes('tezos.p2p.negotiated_version', version),
      'tezos.p2p.trusted': trusted,
    });
    this.span.addEvent('tezos.p2p.established');
  }

  /** A Bootstrap, Advertise, Swap_request or Swap_ack sent (queued) or received; other messages are ignored. */
  message<M>(direction: IoDirection, msg: P2pMessage<M>): void {
    if (isTopology(msg) && this.span.isRecording())
      this.span.addEvent('tezos.p2p.message', messageAttributes(direction, msg));
  }

  /** The attempt failed before the connection ran (refused, dial or handshake failure): error status and code. */
  failed(code: string, message: string, extra?: Attributes): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttributes({ ...extra, 'error.type': code, 'tezos.p2p.outcome': code });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.span.end();
  }

  /** The connection closed: why, and what went through it. */
  closed(reason: DisconnectReason, stat: ConnectionStat): void {
    if (this.ended) return;
    this.ended = true;
    if (this.span.isRecording()) {
      this.span.setAttributes({
        'tezos.p2p.outcome': 'disconnected',
        'tezos.p2p.disconnect.reason': reason.kind,
        'tezos.p2p.bytes.sent': stat.bytesSent,
        'tezos.p2p.bytes.received': stat.bytesReceived,
        'tezos.p2p.messages.sent': stat.messagesSent,
        'tezos.p2p.messages.received': stat.messagesReceived,
      });
      // A transport failure ended it: an error, unlike every decided or orderly close.
      if (reason.kind === 'Read_error' || reason.kind === 'Write_error') {
        this.span.setAttribute('error.type', reason.error.code);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: `${reason.kind}: ${reason.error.message}` });
      }
    }
    this.span.end();
  }
}
