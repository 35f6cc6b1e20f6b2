import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { BandwidthChart } from './bandwidth-chart.js';
import { devnetConnectionLabel, runDevnetMode } from './devnet-mode.js';
import { byId, el } from './dom.js';
import { shortPeerId } from './graph-model.js';
import { GraphView } from './graph-view.js';
import { LogView } from './log-view.js';
import { runNodeMode } from './node-mode.js';
import { LEGEND } from './states.js';
import type { Ui } from './ui.js';
import { ViewState } from './view-state.js';

/** `/ui/?devnet`: the devnet endpoints of node 0; anything else: the node serving the page. */
const devnet = new URLSearchParams(location.search).has('devnet');
/** Peer id → a devnet node's name, filled as snapshots arrive. */
const names = new Map<string, string>();

byId('mode').textContent = devnet ? 'devnet' : 'node';
document.title = devnet ? 'tzp2p devnet' : 'tzp2p node';
const legend = byId('legend');
for (const l of LEGEND) {
  const swatch = el('span', undefined, { class: l.border ? 'swatch border' : 'swatch' });
  swatch.style.setProperty(l.border ? 'border-color' : 'background-color', l.colour);
  const li = el('li');
  li.append(swatch, el('span', l.label));
  legend.append(li);
}

const ui: Ui = {
  graph: new GraphView(byId('graph'), !devnet),
  chart: new BandwidthChart(byId('bandwidth'), (key) =>
    devnet ? devnetConnectionLabel(key, names) : shortPeerId(key),
  ),
  log: new LogView(
    byId<HTMLOListElement>('event-log'),
    byId<HTMLSelectElement>('filter-kind'),
    byId<HTMLInputElement>('filter-subject'),
    (node) => (node === undefined ? '' : `node ${node}`),
  ),
  state: new ViewState(byId('summary'), devnet ? 'devnet' : 'node'),
  identity: byId('identity'),
  greylist: byId('greylist'),
};

const stop = new AbortController();
addEventListener('pagehide', () => stop.abort());
if (devnet) runDevnetMode(ui, stop.signal, names);
else runNodeMode(ui, stop.signal);
