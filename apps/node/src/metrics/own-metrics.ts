import type { EventBus, P2pReport } from '@tezos-p2p/events';
import type { NackMotive } from '@tezos-p2p/wire';
import type { GreylistingKind, RefusalReason } from '@tezos-p2p/workers';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Subscription } from 'rxjs';

/** Handshakes run from a few milliseconds on loopback to the authentication timeout (5 s by default). */
export const HANDSHAKE_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Our own names, beside Octez's: what Octez does not count. Label values are closed sets (codes, motives). */
export const OWN_METRICS = {
  handshakeDuration: {
    name: 'tzp2p_handshake_duration_seconds',
    help: 'Duration of settled handshakes (authentication, decision, Ack exchange), by direction and outcome',
  },
  handshakes: {
    name: 'tzp2p_handshakes_total',
    help: 'Settled handshakes, by direction and outcome (accepted, or the error code)',
  },
  refusals: { name: 'tzp2p_refusals_total', help: 'Peers and sockets we refused, by reason' },
  greylistings: { name: 'tzp2p_greylistings_total', help: 'Greylistings decided by the P2P layer, by kind' },
} as const;

/** The Nack motive we sent, in lower case; an unknown motive's number is dropped (an open label set). */
const NACK_REASONS: Record<NackMotive['kind'], RefusalReason> = {
  No_motive: 'no_motive',
  Too_many_connections: 'too_many_connections',
  Unknown_chain_name: 'unknown_chain_name',
  Deprecated_p2p_version: 'deprecated_p2p_version',
  Deprecated_distributed_db_version: 'deprecated_distributed_db_version',
  Already_connected: 'already_connected',
  Unknown_motive: 'unknown_motive',
};

/** The refusal a report announces, named as the workers' OpenTelemetry counter names it. */
function refusalOf(r: P2pReport): RefusalReason | undefined {
  switch (r.kind) {
    case 'incoming_refused':
      return r.reason === 'banned'
        ? 'incoming_banned'
        : r.reason === 'too_many_incoming'
          ? 'incoming_too_many'
          : 'incoming_too_many_from_address';
    case 'incoming_evicted':
      return 'incoming_evicted';
    case 'nack_sent':
      return NACK_REASONS[r.motive.kind];
    case 'refused_silently':
      return r.error.code === 'PRIVATE_MODE'
        ? 'private_mode'
        : r.error.code === 'PEER_BANNED'
          ? 'peer_banned'
          : r.error.code === 'IDENTITY_CHECK_FAILURE'
            ? 'identity_check_failure'
            : undefined;
    default:
      return undefined;
  }
}

function greylistingOf(r: P2pReport): GreylistingKind | undefined {
  return r.kind === 'address_greylisted' ? 'address' : r.kind === 'greylisted' ? 'peer' : undefined;
}

/** The `tzp2p_*` metrics in `registry`, derived from the reports `bus` carries. */
export class OwnMetrics {
  private readonly subscription: Subscription;

  constructor(registry: Registry, bus: EventBus) {
    const registers = [registry];
    const { handshakeDuration, handshakes, refusals, greylistings } = OWN_METRICS;
    const duration = new Histogram({
      ...handshakeDuration,
      labelNames: ['direction', 'outcome'],
      buckets: [...HANDSHAKE_BUCKETS_SECONDS],
      registers,
    });
    const settled = new Counter({ ...handshakes, labelNames: ['direction', 'outcome'], registers });
    const refused = new Counter({ ...refusals, labelNames: ['reason'], registers });
    const greylisted = new Counter({ ...greylistings, labelNames: ['kind'], registers });
    this.subscription = bus.reports$.subscribe((r) => {
      if (r.kind === 'handshake_settled') {
        const labels = { direction: r.incoming ? 'incoming' : 'outgoing', outcome: r.outcome };
        settled.inc(labels);
        duration.observe(labels, r.durationMs / 1000);
        return;
      }
      const reason = refusalOf(r);
      if (reason !== undefined) refused.inc({ reason });
      const kind = greylistingOf(r);
      if (kind !== undefined) greylisted.inc({ kind });
    });
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}
