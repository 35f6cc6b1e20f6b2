import type { StatJson } from '../devnet-api.js';

/** One reading of a connection's byte counters. */
export interface StatSample {
  /** Connection key (peer id, or `node i → peer` in a devnet). */
  readonly key: string;
  readonly stat: StatJson;
}

/**
 * Bytes per second of each connection over a sliding window, from cumulative counters read at
 * intervals (rates are the counters' differences over the elapsed time: exact whatever the interval).
 * A connection that disappears keeps its past and gets gaps (null) from then on.
 */
export class BandwidthSeries {
  private readonly times: number[] = [];
  private readonly series = new Map<string, { inflow: (number | null)[]; outflow: (number | null)[] }>();
  private last = new Map<string, { t: number; sent: number; recv: number }>();

  constructor(private readonly window = 120) {}

  /** `t` in seconds. */
  add(t: number, samples: readonly StatSample[]): void {
    const next = new Map<string, { t: number; sent: number; recv: number }>();
    const at = this.times.length;
    this.times.push(t);
    for (const s of this.series.values()) {
      s.inflow.push(null);
      s.outflow.push(null);
    }
    for (const { key, stat } of samples) {
      const sent = Number(stat.total_sent);
      const recv = Number(stat.total_recv);
      next.set(key, { t, sent, recv });
      let s = this.series.get(key);
      if (s === undefined) {
        s = {
          inflow: new Array<number | null>(at + 1).fill(null),
          outflow: new Array<number | null>(at + 1).fill(null),
        };
        this.series.set(key, s);
      }
      const prev = this.last.get(key);
      if (prev !== undefined && t > prev.t && recv >= prev.recv && sent >= prev.sent) {
        s.inflow[at] = (recv - prev.recv) / (t - prev.t);
        s.outflow[at] = (sent - prev.sent) / (t - prev.t);
      }
    }
    this.last = next;
    if (this.times.length > this.window) {
      this.times.shift();
      for (const s of this.series.values()) {
        s.inflow.shift();
        s.outflow.shift();
      }
    }
    for (const [key, s] of this.series)
      if (s.inflow.every((v) => v === null) && !next.has(key)) this.series.delete(key);
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  /** uPlot's columns: times, then inflow and outflow of each key in `keys()` order. */
  columns(): [number[], ...(number | null)[][]] {
    const cols: (number | null)[][] = [];
    for (const s of this.series.values()) cols.push([...s.inflow], [...s.outflow]);
    return [[...this.times], ...cols];
  }
}
