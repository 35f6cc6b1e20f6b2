import { type Attributes, type Context, type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { NackMotive, NetworkVersion, PeerId } from '@tezos-p2p/wire';
import { describeNackMotive } from '@tezos-p2p/wire';

const tracer = trace.getTracer('@tezos-p2p/connection', '0.1.0');

/** `network.io.direction`'s values (OpenTelemetry semantic conventions). */
export type IoDirection = 'transmit' | 'receive';

/**
 * A network version as span attributes under `prefix` (`tezos.p2p.announced_version` …): the chain
 * name and both version numbers, flat so that a backend can group and filter on each.
 */
export function versionAttributes(prefix: string, v: NetworkVersion): Attributes {
  return {
    [`${prefix}.chain_name`]: v.chainName,
    [`${prefix}.distributed_db_version`]: v.distributedDbVersion,
    [`${prefix}.p2p_version`]: v.p2pVersion,
  };
}

/**
 * Connection metadata (its `toJson` form) as span attributes under `prefix`: an object's primitive
 * fields one attribute each (`….private_node`), anything else as JSON text, since attribute values
 * must be primitives or arrays of them.
 */
export function metadataAttributes(prefix: string, json: unknown): Attributes {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { [prefix]: JSON.stringify(json) };
  const out: Attributes = {};
  for (const [k, v] of Object.entries(json)) {
    out[`${prefix}.${k}`] =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

/**
 * The `p2p.authenticate` span of one handshake, from the first byte written to the Ack/Nack (or the
 * failure): events for the connection messages, the metadata and the Ack/Nack each way. Events are
 * built only when the span records, so a handshake costs one no-op span when tracing is off.
 */
export class HandshakeSpan {
  private readonly span: Span;
  private ended = false;

  constructor(opts: {
    readonly remote: { readonly ip: string; readonly port: number };
    readonly incoming: boolean;
    /** The parent (e.g. the connection's span); the active context when absent. */
    readonly parent?: Context | undefined;
  }) {
    this.span = tracer.startSpan(
      'p2p.authenticate',
      {
        attributes: {
          'network.peer.address': opts.remote.ip,
          'network.peer.port': opts.remote.port,
          'network.transport': 'tcp',
          'tezos.p2p.direction': opts.incoming ? 'incoming' : 'outgoing',
        },
      },
      opts.parent ?? context.active(),
    );
  }

  private event(name: string, build: () => Attributes): void {
    if (this.span.isRecording()) this.span.addEvent(name, build());
  }

  connectionMessage(direction: IoDirection, msg: { port: number | undefined; version: NetworkVersion }): void {
    this.event('tezos.p2p.connection_message', () => ({
      'network.io.direction': direction,
      'tezos.p2p.listening_port': msg.port ?? 0,
      ...versionAttributes('tezos.p2p.version', msg.version),
    }));
  }

  peer(peerId: PeerId): void {
    this.span.setAttribute('tezos.p2p.peer_id', peerId);
  }

  metadata(direction: IoDirection, json: () => unknown): void {
    this.event('tezos.p2p.metadata', () => ({
      'network.io.direction': direction,
      ...metadataAttributes('tezos.p2p.metadata', json()),
    }));
  }

  /** Authentication passed; the span goes on until the Ack/Nack. */
  authenticated(): void {
    this.span.setAttribute('tezos.p2p.outcome', 'authenticated');
  }

  ack(direction: IoDirection): void {
    this.event('tezos.p2p.ack', () => ({ 'network.io.direction': direction }));
  }

  nack(direction: IoDirection, motive: NackMotive, points: number): void {
    this.event('tezos.p2p.nack', () => ({
      'network.io.direction': direction,
      'tezos.p2p.nack.motive': motive.kind,
      'tezos.p2p.nack.description': describeNackMotive(motive),
      'tezos.p2p.nack.points': points,
    }));
  }

  /** Ends the span as a success: both Acks exchanged, or our refusal (Nack, close) delivered as decided. */
  end(closing?: 'nack_sent' | 'closed'): void {
    if (this.ended) return;
    this.ended = true;
    if (closing !== undefined) this.span.setAttribute('tezos.p2p.handshake.closing', closing);
    this.span.end();
  }

  /** Ends the span with the error's code (`error.type`, and `tezos.p2p.outcome` as every span here). */
  fail(code: string, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttributes({ 'error.type': code, 'tezos.p2p.outcome': code });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.span.end();
  }
}
