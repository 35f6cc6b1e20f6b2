import { describe, expect, it } from 'vitest';
import { simulate } from '../src/index.js';

describe('simulate', () => {
  it('12 nodes from 2 bootstrap peers settle within their thresholds in one connected graph', async () => {
    const progress: number[] = [];
    const r = await simulate({
      nodes: 12,
      bootstrap: 2,
      timeoutMs: 60_000,
      onProgress: (p) => progress.push(p.withinThresholds),
    });
    expect(r.converged).toBe(true);
    expect(r.components).toBe(1);
    expect(r.degrees.min).toBeGreaterThanOrEqual(5);
    expect(r.degrees.max).toBeLessThanOrEqual(13);
    expect(progress.length).toBeGreaterThan(0);
  }, 90_000);
});
