import type { IoStat } from '@tezos-p2p/connection';
import { Gauge, type Registry } from 'prom-client';
import { OCTEZ_P2P_GAUGES, type OctezGaugeId } from './octez-table.js';

/** What `P2p_metrics_collectors` reads at each collection, as the P2P layer exposes it. */
export interface ObservedP2p {
  connections(): Iterable<{
    readonly connection: { readonly info: { readonly incoming: boolean; readonly privateNode: boolean } };
  }>;
  knownPeers(): readonly { readonly state: { readonly kind: string } }[];
  knownPoints(): readonly {
    readonly state: { readonly kind: string };
    readonly trusted: boolean;
    readonly reconnectionTime: number | undefined;
  }[];
  stat(): IoStat;
}

type Counts = Record<string, number>;

/** `Connections.collect`: every connection is active, and incoming or outgoing, and maybe private. */
function connectionCounts(p2p: ObservedP2p): Counts {
  const c: Counts = { active: 0, incoming: 0, outgoing: 0, private: 0 };
  for (const { connection } of p2p.connections()) {
    c.active!++;
    c[connection.info.incoming ? 'incoming' : 'outgoing']!++;
    if (connection.info.privateNode) c.private!++;
  }
  return c;
}

/** `Peers.collect` and `Points.collect` count by state; a requested point is in none of the three. */
function stateCounts(infos: readonly { readonly state: { readonly kind: string } }[]): Counts {
  const c: Counts = { Accepted: 0, Running: 0, Disconnected: 0 };
  for (const { state } of infos) if (state.kind in c) c[state.kind]!++;
  return c;
}

/**
 * One reading per gauge. Octez's `Points.trusted` is zeroed at each collection and never incremented
 * (v25.1), so Octez always reports 0; we count the trusted points, which is what its help text says.
 * A point is greylisted, as in Octez, while it has a reconnection time, whatever its state.
 */
const READINGS: Record<OctezGaugeId, (p2p: ObservedP2p) => number> = {
  connectionsActive: (p) => connectionCounts(p).active!,
  connectionsIncoming: (p) => connectionCounts(p).incoming!,
  connectionsOutgoing: (p) => connectionCounts(p).outgoing!,
  connectionsPrivate: (p) => connectionCounts(p).private!,
  peersAccepted: (p) => stateCounts(p.knownPeers()).Accepted!,
  peersRunning: (p) => stateCounts(p.knownPeers()).Running!,
  peersDisconnected: (p) => stateCounts(p.knownPeers()).Disconnected!,
  pointsTrusted: (p) => p.knownPoints().filter((i) => i.trusted).length,
  pointsGreylisted: (p) => p.knownPoints().filter((i) => i.reconnectionTime !== undefined).length,
  pointsAccepted: (p) => stateCounts(p.knownPoints()).Accepted!,
  pointsRunning: (p) => stateCounts(p.knownPoints()).Running!,
  pointsDisconnected: (p) => stateCounts(p.knownPoints()).Disconnected!,
  ioTotalSent: (p) => p.stat().totalSent,
  ioTotalRecv: (p) => p.stat().totalRecv,
  ioCurrentInflow: (p) => p.stat().currentInflow,
  ioCurrentOutflow: (p) => p.stat().currentOutflow,
};

/**
 * Register Octez's collector gauges in `registry`, read from `source()` at each scrape (0 while it
 * has no P2P layer yet): the state is the pool's and the scheduler's, never a copy kept up to date.
 */
export function registerOctezGauges(registry: Registry, source: () => ObservedP2p | undefined): void {
  for (const [id, { name, help }] of Object.entries(OCTEZ_P2P_GAUGES) as [
    OctezGaugeId,
    { name: string; help: string },
  ][]) {
    const read = READINGS[id];
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p2p = source();
        this.set(p2p === undefined ? 0 : read(p2p));
      },
    });
  }
}
