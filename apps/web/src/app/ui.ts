import type { BandwidthChart } from './bandwidth-chart.js';
import type { GraphView } from './graph-view.js';
import type { LogView } from './log-view.js';
import type { ViewState } from './view-state.js';

/** The page's parts, built once by main.ts and driven by one of the two modes. */
export interface Ui {
  readonly graph: GraphView;
  readonly chart: BandwidthChart;
  readonly log: LogView;
  readonly state: ViewState;
  readonly identity: HTMLElement;
  readonly greylist: HTMLElement;
}

/** Sampling period of the byte counters (the bandwidth chart's resolution). */
export const SAMPLE_MS = 1_000;
