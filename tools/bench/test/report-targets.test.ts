import { describe, expect, it } from 'vitest';
import { meetsTarget } from '../src/report.js';

// Upper bounds (churn: heap after ≤ 110 % of before) and absolute targets beside a baseline.
describe('bench report targets', () => {
  const heap = { name: 'heap', value: 21, unit: 'MiB', baseline: { name: 'before', value: 20 } };

  it('checks a maximum ratio to the baseline', () => {
    expect(meetsTarget({ ...heap, target: { max: 1.1, description: '≤ 110 %' } })).toBe(true);
    expect(meetsTarget({ ...heap, value: 23, target: { max: 1.1, description: '≤ 110 %' } })).toBe(false);
    expect(meetsTarget({ ...heap, target: { min: 0.9, max: 1.1, description: '±10 %' } })).toBe(true);
    expect(meetsTarget({ ...heap, value: 17, target: { min: 0.9, max: 1.1, description: '±10 %' } })).toBe(false);
  });

  it("checks the value itself when the target is 'on' the value, baseline or not", () => {
    expect(meetsTarget({ ...heap, target: { max: 32, on: 'value', description: '≤ 32 MiB' } })).toBe(true);
    expect(meetsTarget({ ...heap, value: 33, target: { max: 32, on: 'value', description: '≤ 32 MiB' } })).toBe(false);
    expect(
      meetsTarget({ name: 'failures', value: 0, unit: 'cycles', target: { max: 0, on: 'value', description: 'none' } }),
    ).toBe(true);
    expect(
      meetsTarget({ name: 'failures', value: 1, unit: 'cycles', target: { max: 0, on: 'value', description: 'none' } }),
    ).toBe(false);
  });
});
