import { type SimulationResult, simulate } from '@tezos-p2p/sim';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';

const SIZES = [25, 50, 100] as const;
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * tools/sim at 25, 50 and 100 nodes: the time until every node is within its connection thresholds and
 * the graph is connected (median of 3 runs), each size beside the smallest in the same run.
 */
export const simSuite: Suite = {
  name: 'sim',
  title: 'Network simulation: convergence of 25, 50 and 100 nodes on loopback',
  async run() {
    const results = new Map<number, SimulationResult[]>();
    for (const n of SIZES) {
      const runs: SimulationResult[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await simulate({ nodes: n, bootstrap: 3, timeoutMs: 180_000 }));
      results.set(n, runs);
    }
    const seconds = (n: number) =>
      median(results.get(n)!.map((r) => (r.converged ? r.seconds : Number.POSITIVE_INFINITY)));
    const base = seconds(SIZES[0]);
    const figures: Figure[] = SIZES.map((n) => ({
      name: `${n} nodes, 3 bootstrap peers: time to converge`,
      value: seconds(n),
      unit: 's',
      ...(n === SIZES[0] ? {} : { baseline: { name: `${SIZES[0]} nodes, same run`, value: base } }),
    }));
    const notes = SIZES.map((n) => {
      const rs = results.get(n)!;
      const last = rs[rs.length - 1]!;
      return `${n} nodes: runs ${rs.map((r) => (r.converged ? `${r.seconds.toFixed(1)} s` : 'did not converge')).join(', ')}; ${last.connections} connections, degree min/mean/max ${last.degrees.min}/${last.degrees.mean.toFixed(1)}/${last.degrees.max} (last run).`;
    });
    notes.push(
      'Converged: every node within its maintenance thresholds (min 4, expected 8, max 16 connections: thresholds 5..14) and one connected component. All nodes in one process, each on its own 127.x.y.z address, real TCP, maintenance every 2 s.',
    );
    return { figures, notes };
  },
};
