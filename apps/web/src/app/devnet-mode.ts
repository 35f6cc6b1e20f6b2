import { DEVNET_API, type DevnetEventJson, type DevnetSnapshotJson } from '../devnet-api.js';
import { BandwidthSeries } from './bandwidth.js';
import { el } from './dom.js';
import { statLine } from './format.js';
import { devnetGraph, shortPeerId } from './graph-model.js';
import { followJsonLines, getJson } from './rpc.js';
import { SAMPLE_MS, type Ui } from './ui.js';

/** `i>peer`: one connection, named from the side that dialled. */
const connectionKey = (node: number, peerId: string) => `${node}>${peerId}`;

/**
 * The whole devnet as one graph, from the endpoints `tzp2p devnet` adds to node 0's RPC: the topology
 * and the merged event log are pushed by the server as they change; the byte counters are sampled.
 */
export function runDevnetMode(ui: Ui, signal: AbortSignal, names: Map<string, string>): void {
  const series = new BandwidthSeries();

  const show = (s: DevnetSnapshotJson) => {
    for (const n of s.nodes) names.set(n.peer_id, `node ${n.index}`);
    const model = devnetGraph(s);
    ui.graph.update(model);
    ui.state.graph(model);
    renderNodes(ui.identity, s);
    renderGreylists(ui.greylist, s, names);
  };

  followJsonLines(
    DEVNET_API.monitor,
    (v) => show(v as DevnetSnapshotJson),
    (err) => ui.state.error(err === undefined ? null : `devnet: ${err}`),
    signal,
  );
  followJsonLines(
    DEVNET_API.log,
    (v) => {
      const e = v as DevnetEventJson;
      ui.log.add(e.event, e.node);
      ui.state.events(ui.log.received, ui.log.kindsSeen);
    },
    (err) => ui.state.error(err === undefined ? null : `devnet log: ${err}`),
    signal,
  );

  const sample = async () => {
    try {
      const s = await getJson<DevnetSnapshotJson>(DEVNET_API.snapshot, signal);
      series.add(
        Date.now() / 1000,
        s.nodes.flatMap((n) =>
          n.connections
            .filter((c) => !c.incoming)
            .map((c) => ({ key: connectionKey(n.index, c.peer_id), stat: c.stat })),
        ),
      );
      ui.chart.update(series);
    } catch (e) {
      if (!signal.aborted) ui.state.error(`devnet: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const timer = setInterval(() => void sample(), SAMPLE_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

/** The label of a bandwidth key: `node 0 → node 2`. */
export function devnetConnectionLabel(key: string, names: ReadonlyMap<string, string>): string {
  const [node, peer] = key.split('>');
  return `node ${node} → ${names.get(peer ?? '') ?? shortPeerId(peer ?? '')}`;
}

function renderNodes(host: HTMLElement, s: DevnetSnapshotJson): void {
  const table = el('table');
  const head = el('tr');
  for (const h of ['node', 'peer id', 'p2p', 'rpc', 'in', 'out', 'traffic']) head.append(el('th', h));
  table.append(head);
  for (const n of s.nodes) {
    const tr = el('tr');
    const rpc = el('td');
    if (n.rpc !== null) rpc.append(el('a', n.rpc, { href: `${n.rpc}/ui/` }));
    tr.append(
      el('td', String(n.index)),
      el('td', n.peer_id, { class: 'mono' }),
      el('td', n.p2p, { class: 'mono' }),
      rpc,
      el('td', String(n.connections.filter((c) => c.incoming).length)),
      el('td', String(n.connections.filter((c) => !c.incoming).length)),
      el('td', statLine(n.stat)),
    );
    table.append(tr);
  }
  host.replaceChildren(el('p', `${s.nodes.length} nodes in this process`), table);
}

function renderGreylists(host: HTMLElement, s: DevnetSnapshotJson, names: ReadonlyMap<string, string>): void {
  const ul = el('ul');
  for (const n of s.nodes)
    ul.append(
      el(
        'li',
        `node ${n.index}: ${n.greylisted_peers.length === 0 ? 'none' : n.greylisted_peers.map((p) => names.get(p) ?? p).join(', ')}`,
      ),
    );
  host.replaceChildren(el('h3', 'greylisted peers, per node'), ul);
}
