import { describe, expect, it } from 'vitest';
import { measureSync, percentile } from '../src/harness.js';
import { fmt, markdownSection, meetsTarget, ratio, textTable } from '../src/report.js';

describe('bench report', () => {
  const f = {
    name: 'seal 64 KiB',
    value: 450,
    unit: 'MB/s',
    baseline: { name: 'raw secretbox', value: 500 },
    target: { min: 0.9, description: '≥ 90 % of raw' },
  };

  it('computes the ratio to the same-run baseline and checks the target', () => {
    expect(ratio(f)).toBeCloseTo(0.9);
    expect(meetsTarget(f)).toBe(true);
    expect(meetsTarget({ ...f, value: 440 })).toBe(false);
    expect(meetsTarget({ name: 'x', value: 600, unit: 'hs/s', target: { min: 500, description: '≥ 500/s' } })).toBe(
      true,
    );
    expect(meetsTarget({ name: 'x', value: 1, unit: 'u' })).toBeUndefined();
  });

  it('renders text and markdown tables with the verdict', () => {
    const r = { suite: 'crypto', title: 'Crypto', figures: [f], ranAt: '2026-01-01T00:00:00Z', machine: 'test box' };
    expect(textTable(r)).toContain('90.0 %');
    expect(markdownSection(r)).toContain(
      '| seal 64 KiB | 450 MB/s | 500 MB/s (raw secretbox) | 90.0 % | ≥ 90 % of raw: met |',
    );
  });

  it('formats magnitudes and percentiles', () => {
    expect(fmt(1_234_567)).toBe('1.23 M');
    expect(fmt(0.5)).toBe('0.500');
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
  });

  it('measures a rate', () => {
    const r = measureSync(() => undefined, { sampleMs: 5, samples: 3, warmupMs: 1 });
    expect(r.samples).toBe(3);
    expect(r.opsPerSec).toBeGreaterThan(0);
  });
});
