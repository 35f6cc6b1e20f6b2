import type { EventBus } from '@tezos-p2p/events';
import { Registry } from 'prom-client';
import type { AppMessageTally } from './app-messages.js';
import { OctezCounters } from './octez-counters.js';
import { type ObservedP2p, registerOctezGauges } from './octez-state.js';
import { OwnMetrics } from './own-metrics.js';

/**
 * One node's metrics: Octez's P2P metrics and ours, in a registry of their own (never prom-client's
 * global one), so that several nodes in one process — the devnet, tests — each serve their own.
 * Built on the node's bus before its P2P layer starts; `observe` then gives the state read at scrape.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly counters: OctezCounters;
  private readonly own: OwnMetrics;
  private p2p: ObservedP2p | undefined;
  private app: AppMessageTally | undefined;

  constructor(bus: EventBus) {
    this.counters = new OctezCounters(this.registry, bus, () => this.app);
    registerOctezGauges(this.registry, () => this.p2p);
    this.own = new OwnMetrics(this.registry, bus);
  }

  /** Read `p2p`'s pool and scheduler, and the application's `app` tally, at each scrape from now on. */
  observe(p2p: ObservedP2p, app: AppMessageTally): void {
    this.p2p = p2p;
    this.app = app;
  }

  /** The Prometheus text exposition (format 0.0.4) and its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stop following the bus; the last values stay readable. */
  close(): void {
    this.counters.close();
    this.own.close();
  }
}
