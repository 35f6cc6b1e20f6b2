import { generateIdentity } from '@tezos-p2p/crypto';
import { type P2p, type P2pLimits, createP2p, maintenanceBounds, rawMessageParams } from '@tezos-p2p/p2p';
import type { RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import { countComponents } from './graph.js';

export type SimNode = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;

export interface SimulationOptions {
  readonly nodes: number;
  /** Nodes every other node has as trusted bootstrap peers (default 3). */
  readonly bootstrap?: number;
  /** Default: min 4, expected 8, max 16 connections (thresholds 5/6/10/13), maintenance every 2 s. */
  readonly limits?: Partial<P2pLimits>;
  /** Give up after this long (default 120 s). */
  readonly timeoutMs?: number;
  /** Second octet of the nodes' loopback addresses 127.<net>.x.y (default from the process id). */
  readonly net?: number;
  /** Called about every 250 ms while converging. */
  readonly onProgress?: (p: SimulationProgress) => void;
}

export interface SimulationProgress {
  readonly elapsedMs: number;
  readonly withinThresholds: number;
  readonly components: number;
  readonly connections: number;
}

export interface SimulationResult {
  readonly nodes: number;
  readonly converged: boolean;
  /** Until every node is within its thresholds and the graph is connected. */
  readonly seconds: number;
  /** Connections at that moment (counted at their outgoing end). */
  readonly connections: number;
  readonly degrees: { readonly min: number; readonly max: number; readonly mean: number };
  readonly components: number;
}

export const DEFAULT_SIM_LIMITS: Partial<P2pLimits> = {
  minConnections: 4,
  expectedConnections: 8,
  maxConnections: 16,
  maintenanceIdleTimeMs: 2_000,
  maxKnownPoints: null,
  maxKnownPeerIds: null,
  // Octez's default (2048) sizes the IP greylist's counting Bloom filter at 4 MiB, held by each node
  // from its first greylisting until the greylist decays: up to 4 GiB for a 1,000-node network, none
  // of it about the P2P layer's behaviour here.
  ipGreylistSizeInKilobytes: 16,
};

/** The sim's limits with the caller's overrides, and the thresholds a converged node must be within. */
export function simLimits(overrides: Partial<P2pLimits> | undefined): {
  limits: Partial<P2pLimits>;
  bounds: ReturnType<typeof maintenanceBounds>;
} {
  const limits = { ...DEFAULT_SIM_LIMITS, ...overrides };
  const bounds = maintenanceBounds({
    minConnections: limits.minConnections!,
    expectedConnections: limits.expectedConnections!,
    maxConnections: limits.maxConnections!,
  });
  return { limits, bounds };
}

/** Second octet of the nodes' addresses when the caller names none: runs in different processes rarely meet. */
export const defaultNet = (): number => 200 + (process.pid % 50);

/** Connected components of the connection graph (union-find over the nodes' connections). */
export function components(nodes: readonly SimNode[]): number {
  const index = new Map(nodes.map((n, i) => [n.peerId as string, i]));
  return countComponents(nodes.length, (i) => nodes[i]!.connections().map((c) => index.get(c.peerId) ?? -1));
}

/** Node i listens on 127.<net>.<1 + i/250>.<1 + i%250>: one address per node, so no ACL decision about one touches another. */
export function simAddress(net: number, i: number): string {
  return `127.${net}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

/**
 * `nodes` P2P layers in this process, each on its own loopback address with real TCP sockets; the
 * first `bootstrap` are everyone's trusted bootstrap peers. They find each other through Nack
 * alternatives, Bootstrap/Advertise and the maintenance. Measures the time until every node is within
 * its maintenance thresholds and the graph is connected.
 */
export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const { limits, bounds } = simLimits(o.limits);
  const net = o.net ?? defaultNet();
  const count = o.bootstrap ?? 3;
  const nodes: SimNode[] = [];
  try {
    const identities = await Promise.all(
      Array.from({ length: o.nodes }, () => generateIdentity({ difficulty: 0, workers: 0 })),
    );
    const start = performance.now();
    const seeds: { point: { ip: string; port: number } }[] = [];
    for (let i = 0; i < o.nodes; i++) {
      const host = simAddress(net, i);
      const n = (await createP2p(
        {
          identity: identities[i]!,
          listenAddr: host,
          localAddress: host,
          listeningPort: 0,
          expectedProofOfWork: 0,
          trustedPoints: i < count ? seeds.slice() : seeds,
        },
        limits,
        rawMessageParams('TEZOS_SIM'),
      )) as SimNode;
      nodes.push(n);
      if (i < count) seeds.push({ point: { ip: host, port: n.listeningPort! } });
    }
    const within = () =>
      nodes.filter(
        (n) => n.connections().length >= bounds.minThreshold && n.connections().length <= bounds.maxThreshold,
      ).length;
    const deadline = start + (o.timeoutMs ?? 120_000);
    let lastProgress = 0;
    for (;;) {
      const elapsed = performance.now() - start;
      const inRange = within();
      const comps = inRange === nodes.length ? components(nodes) : Number.NaN;
      const done = (inRange === nodes.length && comps === 1) || performance.now() > deadline;
      // Every 250 ms, and once at the end: a network that settles at once still reports its final state.
      if (o.onProgress && (done || elapsed - lastProgress >= 250)) {
        lastProgress = elapsed;
        o.onProgress({
          elapsedMs: elapsed,
          withinThresholds: inRange,
          components: Number.isNaN(comps) ? components(nodes) : comps,
          connections: nodes.reduce((a, n) => a + n.connections().filter((c) => !c.connection.info.incoming).length, 0),
        });
      }
      if (done) {
        const degrees = nodes.map((n) => n.connections().length);
        return {
          nodes: nodes.length,
          converged: inRange === nodes.length && comps === 1,
          seconds: elapsed / 1000,
          connections: nodes.reduce((a, n) => a + n.connections().filter((c) => !c.connection.info.incoming).length, 0),
          degrees: {
            min: Math.min(...degrees),
            max: Math.max(...degrees),
            mean: degrees.reduce((a, b) => a + b, 0) / degrees.length,
          },
          components: components(nodes),
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
  }
}
