import type { EventBus, P2pEvent, P2pReport } from '@tezos-p2p/events';
import type { PeerId } from '@tezos-p2p/wire';
import { Counter, type Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { AppMessageTally } from './app-messages.js';
import { OCTEZ_P2P_COUNTERS, type OctezCounterId } from './octez-table.js';

/**
 * Events that count one, where Octez counts in `P2p_protocol` (the swaps' outcomes) or where our
 * answerer and maintenance publish right after the write Octez counts in `P2p_conn.write_*`.
 * (Octez counts a write the queue refused; our `Advertise_sent` / `Swap_ack_sent` follow accepted
 * writes only, as Octez's own event log does.)
 */
const EVENT_COUNTERS: Partial<Record<P2pEvent['kind'], OctezCounterId>> = {
  Advertise_sent: 'advertiseSent',
  Swap_request_sent: 'swapRequestsSent',
  Swap_request_received: 'swapRequestsReceived',
  Swap_ack_sent: 'swapAckSent',
  Swap_ack_received: 'swapAckReceived',
  Swap_request_ignored: 'swapIgnored',
  Swap_success: 'swapSuccess',
  Swap_failure: 'swapFail',
};

/** The application-message counters, read from the node app's tally at scrape time. */
const APP_COUNTERS = {
  userMessageReceived: (t: AppMessageTally) => t.totals.received,
  userMessageSent: (t: AppMessageTally) => t.totals.sent,
  userMessageReceivedError: (t: AppMessageTally) => t.totals.readErrors,
  // The node app never broadcasts (no shell): Octez's name is served, at 0.
  broadcastMessageSent: () => 0,
} satisfies Partial<Record<OctezCounterId, (t: AppMessageTally) => number>>;

type AppCounterId = keyof typeof APP_COUNTERS;
const isAppCounter = (id: OctezCounterId): id is AppCounterId => id in APP_COUNTERS;

/**
 * Octez's `P2p_metrics` counters in `registry`: the P2P ones derived from what `bus` carries (subscribe
 * before the layer starts, so that nothing is missed), the application ones from `app()` at scrape time.
 */
export class OctezCounters {
  private readonly counters = new Map<OctezCounterId, Counter>();
  private readonly subscriptions: Subscription[];
  /** Peers whose Bootstrap was not written (peer discovery disabled) and whose `Bootstrap_sent` follows. */
  private readonly unsentBootstraps = new Set<PeerId>();

  constructor(registry: Registry, bus: EventBus, app: () => AppMessageTally | undefined) {
    for (const [id, { name, help }] of Object.entries(OCTEZ_P2P_COUNTERS) as [
      OctezCounterId,
      { name: string; help: string },
    ][]) {
      if (isAppCounter(id)) {
        const read = APP_COUNTERS[id];
        let seen = 0;
        new Counter({
          name,
          help,
          registers: [registry],
          collect() {
            const tally = app();
            const now = tally === undefined ? seen : read(tally);
            if (now > seen) this.inc(now - seen);
            seen = now;
          },
        });
      } else this.counters.set(id, new Counter({ name, help, registers: [registry] }));
    }
    this.subscriptions = [
      bus.events$.subscribe((e) => this.onEvent(e)),
      bus.reports$.subscribe((r) => this.onReport(r)),
    ];
  }

  private inc(id: OctezCounterId): void {
    this.counters.get(id)?.inc();
  }

  private onEvent(e: P2pEvent): void {
    if (e.kind === 'Bootstrap_sent') {
      // The maintenance logs `Bootstrap_sent` whatever `write_bootstrap` did; Octez counts only a write.
      if (!this.unsentBootstraps.delete(e.source)) this.inc('bootstrapSent');
      return;
    }
    const id = EVENT_COUNTERS[e.kind];
    if (id !== undefined) this.inc(id);
  }

  private onReport(r: P2pReport): void {
    switch (r.kind) {
      // Reported for every Bootstrap / Advertise read, peer discovery or not, where Octez counts.
      case 'bootstrap_received':
        return this.inc('bootstrapReceived');
      case 'advertise_received':
        return this.inc('advertiseReceived');
      case 'peer_discovery_disabled':
        this.unsentBootstraps.add(r.peerId);
        return;
      // A private connection's answerer publishes no event, but Octez counted the read all the same.
      case 'private_node_ignored':
        if (r.message === 'Swap_request') this.inc('swapRequestsReceived');
        else if (r.message === 'Swap_ack') this.inc('swapAckReceived');
        return;
      default:
        return;
    }
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
