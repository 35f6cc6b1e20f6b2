/**
 * Octez's test network (`src/lib_p2p/test/common/node.ml`, `Node.detach_nodes`) for the ports of
 * `src/lib_p2p/tezt/`: `count` nodes on their own loopback addresses, each knowing the others as
 * trusted public points, each running its function concurrently with the others, with `sync` as the
 * barrier Octez's main process runs between its node processes. Octez forks one process per node; here
 * they are P2p instances of this process. As in Octez there is no maintenance worker, only the
 * connect handler, the pool and the welcome worker; the limits default to the number of trusted points.
 */
import { type Point, SUPPORTED_P2P_VERSIONS } from '@tezos-p2p/wire';
import { createP2p, rawMessageParams } from '../src/index.js';
import { CHAIN, type Node, announceablePort, freshHost, identity, stopAll } from './harness.js';
import { internals } from './internals.js';

export interface DetachedNode {
  readonly index: number;
  readonly node: Node;
  /** The other nodes' points (Octez's `node.points`). */
  readonly points: readonly Point[];
  readonly trustedPoints: readonly Point[];
  /** Waits until every node has called `sync` as many times; fails once any node has failed. */
  sync(): Promise<void>;
}

export interface DetachOptions {
  readonly minConnections?: (i: number) => number;
  readonly maxConnections?: (i: number) => number;
  readonly maxIncomingConnections?: (i: number) => number;
  readonly p2pVersions?: (i: number) => readonly number[];
  /** Default: every point. */
  readonly trusted?: (i: number, points: readonly Point[]) => readonly Point[];
}

/** A barrier for `n` parties that, once broken, fails every waiting and later `wait`. */
class Barrier {
  private arrived = 0;
  private release: (() => void)[] = [];
  private failure: Error | undefined;
  private readonly failers: ((e: Error) => void)[] = [];

  constructor(private readonly parties: number) {}

  wait(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.release.push(resolve);
      this.failers.push(reject);
      if (++this.arrived === this.parties) {
        const r = this.release;
        this.release = [];
        this.failers.length = 0;
        this.arrived = 0;
        r.forEach((f) => f());
      }
    });
  }

  break(e: Error): void {
    if (this.failure) return;
    this.failure = new Error(`another node failed: ${e.message}`);
    this.failers.splice(0).forEach((f) => f(this.failure!));
  }
}

/**
 * `Node.detach_nodes`: starts the nodes, syncs them once, runs `run(i)` on each, shuts every node
 * down. Rejects with the first node's error when any fails (`propagation-tzresult` checks that).
 */
export async function detachNodes(
  count: number,
  run: (i: number) => (n: DetachedNode) => Promise<void>,
  opts: DetachOptions = {},
): Promise<void> {
  const nodes: Node[] = [];
  try {
    // Octez binds every point first (`gen_points`); each node has its own address, so a port found
    // free on it stays free.
    const allPoints: Point[] = [];
    for (let i = 0; i < count; i++) {
      const ip = freshHost();
      allPoints.push({ ip, port: await announceablePort(ip) });
    }
    const same = (a: Point, b: Point) => a.ip === b.ip && a.port === b.port;
    const barrier = new Barrier(count);
    const detached: DetachedNode[] = [];
    for (let index = 0; index < count; index++) {
      const own = allPoints[index]!;
      const trustedPoints = (opts.trusted?.(index, allPoints) ?? allPoints).filter((p) => !same(p, own));
      // Limits as node.ml sets them: each defaults to the number of trusted points.
      const n = trustedPoints.length;
      const minConnections = opts.minConnections?.(index) ?? n;
      const maxConnections = opts.maxConnections?.(index) ?? n;
      const node = (await createP2p(
        {
          identity: await identity(),
          listenAddr: own.ip,
          localAddress: own.ip,
          listeningPort: own.port,
          expectedProofOfWork: 0,
          trustedPoints: trustedPoints.map((point) => ({ point })),
        },
        {
          maintenanceIdleTimeMs: null,
          minConnections,
          expectedConnections: Math.min(Math.max(n, minConnections), maxConnections),
          maxConnections,
          maxIncomingConnections: opts.maxIncomingConnections?.(index) ?? n,
        },
        { ...rawMessageParams(CHAIN), p2pVersions: opts.p2pVersions?.(index) ?? SUPPORTED_P2P_VERSIONS },
        { start: false },
      )) as Node;
      nodes.push(node);
      for (const p of trustedPoints) internals(node).pool.registerPoint(p, { trusted: true }).setPrivate(false);
      detached.push({
        index,
        node,
        points: allPoints.filter((p) => !same(p, own)),
        trustedPoints,
        sync: () => barrier.wait(),
      });
    }
    await Promise.all(nodes.map((n) => n.start()));
    let firstFailure: { error: unknown } | undefined;
    await Promise.allSettled(
      detached.map(async (d) => {
        try {
          await d.sync();
          await run(d.index)(d);
        } catch (e) {
          // The node that failed first, not one freed from a barrier by its failure.
          firstFailure ??= { error: e };
          barrier.break(e instanceof Error ? e : new Error(String(e)));
          throw e;
        }
      }),
    );
    if (firstFailure) throw firstFailure.error;
  } finally {
    await stopAll(nodes);
  }
}
