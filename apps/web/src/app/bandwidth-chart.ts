import uPlot from 'uplot';
import type { BandwidthSeries } from './bandwidth.js';

const PALETTE = ['#3b6fd8', '#2e9e5b', '#d32f2f', '#f0a020', '#7b1fa2', '#00838f', '#6d4c41', '#c2185b'];

function rate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null) return '–';
  if (bytesPerSecond >= 1 << 20) return `${(bytesPerSecond / (1 << 20)).toFixed(1)} MiB/s`;
  if (bytesPerSecond >= 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
  return `${Math.round(bytesPerSecond)} B/s`;
}

/**
 * uPlot chart of each connection's inflow (solid) and outflow (dashed). uPlot's series are fixed at
 * creation: the chart is rebuilt when connections come or go, and only fed new data otherwise.
 */
export class BandwidthChart {
  private plot: uPlot | undefined;
  private keys = '';

  constructor(
    private readonly host: HTMLElement,
    private readonly label: (key: string) => string,
  ) {}

  update(series: BandwidthSeries): void {
    const keys = series.keys();
    const data = series.columns();
    const width = Math.max(300, this.host.clientWidth);
    if (this.plot === undefined || keys.join('\n') !== this.keys) {
      this.plot?.destroy();
      this.keys = keys.join('\n');
      const lines: uPlot.Series[] = keys.flatMap((k, i) => {
        const stroke = PALETTE[i % PALETTE.length]!;
        const value = (_u: uPlot, v: number | null) => rate(v);
        return [
          { label: `${this.label(k)} in`, stroke, width: 1.5, value },
          { label: `${this.label(k)} out`, stroke, width: 1.5, dash: [4, 4], value },
        ];
      });
      this.plot = new uPlot(
        {
          width,
          height: 220,
          series: [{}, ...lines],
          axes: [{}, { values: (_u, ticks) => ticks.map((t) => rate(t)), size: 70 }],
          legend: { live: false },
        },
        data,
        this.host,
      );
    } else {
      this.plot.setData(data);
    }
  }
}
