import { type Attributes, type Counter, type MeterProvider, type ObservableResult, metrics } from '@opentelemetry/api';
import type { EventBus, P2pReport } from '@tezos-p2p/events';
import type { NackMotive } from '@tezos-p2p/wire';
import type { Subscription } from 'rxjs';
import { P2pError, type P2pErrorCode } from './errors.js';

/**
 * Connection-level metrics of the P2P layer: live connections, handshakes, refusals and greylistings.
 * These happen once per connection, not per message, so synchronous counters are cheap enough here.
 * Attributes are closed sets (directions, error codes, motives): peer ids and addresses never appear
 * in metrics (unbounded cardinality); they belong to the spans.
 */

const METER_NAME = '@tezos-p2p/workers';
const METER_VERSION = '0.1.0';

/** Why we refused a peer: the Nack motive we sent, a silent refusal after authentication, or an incoming socket dropped before any handshake. */
export type RefusalReason =
  | 'no_motive'
  | 'too_many_connections'
  | 'unknown_chain_name'
  | 'deprecated_p2p_version'
  | 'deprecated_distributed_db_version'
  | 'already_connected'
  | 'unknown_motive'
  | 'private_mode'
  | 'peer_banned'
  | 'identity_check_failure'
  | 'incoming_too_many'
  | 'incoming_too_many_from_address'
  /** A pending incoming handshake cancelled to give its slot to a source holding fewer. */
  | 'incoming_evicted'
  | 'incoming_banned';

/** `address`: an IP greylisted on its own (a failed handshake); `peer`: a running peer's id and address (a decoding error). */
export type GreylistingKind = 'address' | 'peer';

/** What the connections gauge needs to know of a running connection. */
export interface ObservedConnection {
  readonly connection: { readonly info: { readonly incoming: boolean } };
}

const INCOMING: Attributes = { direction: 'incoming' };
const OUTGOING: Attributes = { direction: 'outgoing' };

/** One source per running P2P layer; the gauge reports their sum. */
const connectionSources = new Set<() => Iterable<ObservedConnection>>();

function observeConnectionCount(r: ObservableResult): void {
  let incoming = 0;
  let outgoing = 0;
  for (const list of connectionSources) {
    for (const c of list()) {
      if (c.connection.info.incoming) incoming++;
      else outgoing++;
    }
  }
  r.observe(incoming, INCOMING);
  r.observe(outgoing, OUTGOING);
}

interface Instruments {
  readonly handshakes: Counter;
  readonly refusals: Counter;
  readonly greylistings: Counter;
}

let bound: { readonly provider: MeterProvider; readonly instruments: Instruments } | undefined;

/**
 * The instruments of the global meter provider current now. `@opentelemetry/api` 1.9 proxies tracers
 * but not meters: a meter obtained before an SDK registers stays a no-op forever. So the instruments
 * are (re)built whenever the registered provider changes, checked at each use (a global lookup).
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (bound?.provider === provider) return bound.instruments;
  const meter = provider.getMeter(METER_NAME, METER_VERSION);
  meter
    .createObservableGauge('tezos.p2p.connections', {
      unit: '{connection}',
      description: 'Running connections, by direction',
    })
    .addCallback(observeConnectionCount);
  bound = {
    provider,
    instruments: {
      handshakes: meter.createCounter('tezos.p2p.handshakes', {
        unit: '{handshake}',
        description: 'Completed handshakes, by direction and outcome (accepted, or the error code)',
      }),
      refusals: meter.createCounter('tezos.p2p.refusals', {
        unit: '{refusal}',
        description: 'Peers and sockets we refused, by reason',
      }),
      greylistings: meter.createCounter('tezos.p2p.greylistings', {
        unit: '{greylisting}',
        description: 'Greylistings decided by the P2P layer, by kind',
      }),
    },
  };
  return bound.instruments;
}

/**
 * Feed the `tezos.p2p.connections` gauge with `list` (read at collection time only) until the
 * returned function is called — by the P2P layer's shutdown, so no stopped node stays referenced.
 */
export function observeConnections(list: () => Iterable<ObservedConnection>): () => void {
  instruments();
  connectionSources.add(list);
  return () => void connectionSources.delete(list);
}

/** Count the handshake `attempt` (authentication, decision, Ack exchange) once it settles; returns `attempt` itself. */
export function countHandshake<T>(incoming: boolean, attempt: Promise<T>): Promise<T> {
  const direction = incoming ? 'incoming' : 'outgoing';
  void attempt.then(
    () => instruments().handshakes.add(1, { direction, outcome: 'accepted' }),
    (e: unknown) => instruments().handshakes.add(1, { direction, outcome: P2pError.from(e).code }),
  );
  return attempt;
}

export function countRefusal(reason: RefusalReason): void {
  instruments().refusals.add(1, { reason });
}

/** A Nack we send: its motive in lower case (an unknown motive's code is dropped: cardinality). */
export function countNack(motive: NackMotive): void {
  countRefusal(motive.kind.toLowerCase() as RefusalReason);
}

const SILENT_REFUSALS: Partial<Record<P2pErrorCode, RefusalReason>> = {
  PRIVATE_MODE: 'private_mode',
  PEER_BANNED: 'peer_banned',
  IDENTITY_CHECK_FAILURE: 'identity_check_failure',
};

/** A refusal without a Nack after authentication (Octez just closes the socket), by its error code. */
export function countSilentRefusal(code: P2pErrorCode): void {
  const reason = SILENT_REFUSALS[code];
  if (reason !== undefined) countRefusal(reason);
}

export function countGreylisting(kind: GreylistingKind): void {
  instruments().greylistings.add(1, { kind });
}

/** The counter a report feeds, if any: the metrics are derived from the bus, not bumped inline. */
export function countReport(r: P2pReport): void {
  switch (r.kind) {
    case 'handshake_settled':
      instruments().handshakes.add(1, { direction: r.incoming ? 'incoming' : 'outgoing', outcome: r.outcome });
      return;
    case 'incoming_refused':
      return countRefusal(
        r.reason === 'banned'
          ? 'incoming_banned'
          : r.reason === 'too_many_incoming'
            ? 'incoming_too_many'
            : 'incoming_too_many_from_address',
      );
    case 'incoming_evicted':
      return countRefusal('incoming_evicted');
    case 'nack_sent':
      return countNack(r.motive);
    case 'refused_silently':
      return countSilentRefusal(r.error.code as P2pErrorCode);
    case 'address_greylisted':
      return countGreylisting('address');
    case 'greylisted':
      return countGreylisting('peer');
    default:
      return;
  }
}

/** Count what `bus` reports until the subscription is dropped (each running P2P layer takes one). */
export function countReports(bus: EventBus): Subscription {
  return bus.reports$.subscribe(countReport);
}
