import { describe, expect, it } from 'vitest';
import { SimError, countComponents, simulateFleet } from '../src/index.js';

describe('simulateFleet', () => {
  it('30 nodes over 3 processes converge into one component, every node within its thresholds', async () => {
    const progress: number[] = [];
    const r = await simulateFleet({
      nodes: 30,
      processes: 3,
      bootstrap: 2,
      timeoutMs: 90_000,
      onProgress: (p) => progress.push(p.components),
    });
    expect(r.converged).toBe(true);
    expect(r.processes).toBe(3);
    expect(r.components).toBe(1);
    expect(r.degrees.min).toBeGreaterThanOrEqual(5);
    expect(r.degrees.max).toBeLessThanOrEqual(14);
    // Each connection is counted once, at its outgoing end, and twice in the degrees.
    expect(r.connections * 2).toBe(r.degrees.mean * 30);
    expect(r.memoryPerNodeBytes).toBeGreaterThan(0);
    expect(r.startSeconds).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
  }, 120_000);

  it('a node that cannot start fails the run with SIM_PROCESS_FAILED and stops every process', async () => {
    const run = simulateFleet({
      nodes: 6,
      processes: 2,
      bootstrap: 1,
      timeoutMs: 30_000,
      limits: { minConnections: 10, expectedConnections: 5, maxConnections: 16 },
    });
    await expect(run).rejects.toMatchObject({ name: 'SimError', code: 'SIM_PROCESS_FAILED' });
  }, 60_000);

  it('refuses options it cannot run with SIM_INVALID_OPTIONS', async () => {
    for (const o of [
      { nodes: 1 },
      { nodes: 10, processes: 11 },
      { nodes: 10, processes: 0 },
      { nodes: 10, processes: 5, bootstrap: 3 },
    ]) {
      const e: unknown = await simulateFleet(o).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SimError);
      expect((e as SimError).code).toBe('SIM_INVALID_OPTIONS');
    }
  });
});

describe('countComponents', () => {
  it('joins through either end of an edge and ignores edges leaving the graph', () => {
    const adj = [[1], [], [3, 7], [], [-1]];
    expect(countComponents(5, (i) => adj[i]!)).toBe(3);
    expect(countComponents(0, () => [])).toBe(0);
  });
});
