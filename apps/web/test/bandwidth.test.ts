import { describe, expect, it } from 'vitest';
import { BandwidthSeries } from '../src/app/bandwidth.js';

const stat = (sent: number, recv: number) => ({
  total_sent: String(sent),
  total_recv: String(recv),
  current_inflow: 0,
  current_outflow: 0,
});

describe('BandwidthSeries', () => {
  it('turns cumulative counters into rates over the elapsed time, with gaps where there is no reading', () => {
    const s = new BandwidthSeries();
    s.add(10, [{ key: 'a', stat: stat(0, 0) }]);
    s.add(12, [{ key: 'a', stat: stat(200, 1000) }]);
    s.add(13, [
      { key: 'a', stat: stat(300, 1000) },
      { key: 'b', stat: stat(5, 5) },
    ]);
    s.add(14, [{ key: 'b', stat: stat(15, 25) }]);
    expect(s.keys()).toEqual(['a', 'b']);
    expect(s.columns()).toEqual([
      [10, 12, 13, 14],
      [null, 500, 0, null], // a in
      [null, 100, 100, null], // a out
      [null, null, null, 20], // b in
      [null, null, null, 10], // b out
    ]);
  });

  it('keeps a sliding window and forgets connections that left it', () => {
    const s = new BandwidthSeries(2);
    s.add(1, [{ key: 'a', stat: stat(0, 0) }]);
    s.add(2, [{ key: 'a', stat: stat(1, 1) }]);
    s.add(3, [{ key: 'b', stat: stat(0, 0) }]);
    expect(s.keys()).toEqual(['a', 'b']);
    s.add(4, [{ key: 'b', stat: stat(2, 2) }]);
    expect(s.keys()).toEqual(['b']);
    expect(s.columns()).toEqual([
      [3, 4],
      [null, 2],
      [null, 2],
    ]);
  });

  it('counts a counter that went back (a new connection to the same peer) as a gap, not a negative rate', () => {
    const s = new BandwidthSeries();
    s.add(1, [{ key: 'a', stat: stat(100, 100) }]);
    s.add(2, [{ key: 'a', stat: stat(10, 10) }]);
    expect(s.columns()[1]).toEqual([null, null]);
  });
});
