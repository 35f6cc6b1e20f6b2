import type { StatJson } from '../devnet-api.js';
import { BandwidthSeries } from './bandwidth.js';
import { el, renderPairs } from './dom.js';
import { type NodeInputs, nodeGraph } from './graph-model.js';
import { statLine } from './format.js';
import { followJsonLines, getJson } from './rpc.js';
import type {
  ConnectionJson,
  EventJson,
  GreylistedIpsJson,
  PeerInfoJson,
  PointInfoJson,
  VersionJson,
} from './rpc-types.js';
import { SAMPLE_MS, type Ui } from './ui.js';

/** `…/banned` is one request per peer or point: asked for at most this many non-running ones per refresh. */
const BANNED_CHECKS = 32;
/** …and at most this often: bans change by operator action, rarely. */
const BANNED_REFRESH_MS = 5_000;

/** Events closer together than this make one refresh of the graph. */
const EVENT_COALESCE_MS = 200;

async function bannedOf(
  peers: readonly (readonly [string, PeerInfoJson])[],
  points: readonly (readonly [string, PointInfoJson])[],
) {
  const asks = [
    ...peers.filter(([, i]) => i.state === 'disconnected').map(([id]) => [id, `/network/peers/${id}/banned`] as const),
    ...points
      .filter(([, i]) => i.state.event_kind === 'disconnected')
      .map(([p]) => [p, `/network/points/${encodeURIComponent(p)}/banned`] as const),
  ].slice(0, BANNED_CHECKS);
  const answers = await Promise.all(asks.map(async ([key, path]) => [key, await getJson<boolean>(path)] as const));
  return new Set(answers.filter(([, b]) => b).map(([k]) => k));
}

/**
 * One node, through its own `/network` RPC: everything is read again every second (the byte counters
 * move without events) and at once when the event log reports a change.
 */
export function runNodeMode(ui: Ui, signal: AbortSignal): void {
  const series = new BandwidthSeries();
  let self = '';
  let version: VersionJson | undefined;
  let busy = false;
  let banned: { at: number; keys: ReadonlySet<string> } = { at: -Infinity, keys: new Set() };
  let again = false;

  const tick = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      if (self === '')
        [self, version] = await Promise.all([
          getJson<string>('/network/self'),
          getJson<VersionJson>('/network/version'),
        ]);
      const [stat, connections, peers, points, greyPeers, greyIps] = await Promise.all([
        getJson<StatJson>('/network/stat'),
        getJson<ConnectionJson[]>('/network/connections'),
        getJson<[string, PeerInfoJson][]>('/network/peers'),
        getJson<[string, PointInfoJson][]>('/network/points'),
        getJson<string[]>('/network/greylist/peers'),
        getJson<GreylistedIpsJson>('/network/greylist/ips'),
      ]);
      if (Date.now() - banned.at >= BANNED_REFRESH_MS) banned = { at: Date.now(), keys: await bannedOf(peers, points) };
      const inputs: NodeInputs = {
        self,
        connections,
        peers,
        points,
        greylistedPeers: greyPeers,
        greylistedIps: greyIps.ips,
        banned: banned.keys,
        now: Date.now(),
      };
      const model = nodeGraph(inputs);
      ui.graph.update(model);
      ui.state.graph(model);
      renderPairs(ui.identity, [
        ['peer id', self],
        ['chain', version?.chain_name ?? '?'],
        ['versions', `p2p ${version?.p2p_version ?? '?'} · distributed db ${version?.distributed_db_version ?? '?'}`],
        ['traffic', statLine(stat)],
        [
          'connections',
          `${connections.filter((c) => c.incoming).length} in · ${connections.filter((c) => !c.incoming).length} out`,
        ],
        ['known', `${peers.length} peers · ${points.length} points`],
      ]);
      renderGreylist(ui.greylist, greyPeers, greyIps);
      const running = new Set(connections.map((c) => c.peer_id));
      series.add(
        Date.now() / 1000,
        peers.filter(([id]) => running.has(id)).map(([key, i]) => ({ key, stat: i.stat })),
      );
      ui.chart.update(series);
      ui.state.error(null);
    } catch (e) {
      ui.state.error(e instanceof Error ? e.message : String(e));
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      void tick();
    }
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  followJsonLines(
    '/network/log',
    (v) => {
      ui.log.add(v as EventJson);
      ui.state.events(ui.log.received, ui.log.kindsSeen);
      pending ??= setTimeout(() => {
        pending = undefined;
        void tick();
      }, EVENT_COALESCE_MS);
    },
    (err) => ui.state.error(err === undefined ? null : `event log: ${err}`),
    signal,
  );
  void tick();
  const timer = setInterval(() => void tick(), SAMPLE_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

function renderGreylist(host: HTMLElement, peers: readonly string[], ips: GreylistedIpsJson): void {
  const list = (items: readonly string[]) => {
    const ul = el('ul');
    if (items.length === 0) ul.append(el('li', 'none', { class: 'none' }));
    for (const i of items) ul.append(el('li', i));
    return ul;
  };
  host.replaceChildren(
    el('h3', `peers (${peers.length})`),
    list(peers),
    el('h3', `IP addresses (${ips.ips.length})`),
    list(ips.ips),
    el('p', `not reliable since: ${ips.not_reliable_since ?? 'never'}`, { class: 'note' }),
  );
}
