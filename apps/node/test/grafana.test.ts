import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/cli/logger.js';
import { type RunningNode, resolveSettings, startNode } from '../src/index.js';
import { TEST_CHAIN, testHost } from './loopback-nodes.js';
import { scrape, seriesNames } from './metrics-scrape.js';
import { metricNamesOf } from './promql-names.js';

interface Target {
  readonly expr?: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
}
interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Dashboard {
  readonly __inputs: readonly { readonly name: string; readonly type: string; readonly pluginId: string }[];
  readonly panels: readonly Panel[];
  readonly uid: string;
  readonly title: string;
}

const dashboard = JSON.parse(readFileSync(new URL('../grafana/tzp2p-p2p.json', import.meta.url), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

const root = mkdtempSync(join(tmpdir(), 'tzp2p-grafana-'));
let node: RunningNode;
let exported: Set<string>;

beforeAll(async () => {
  const configFile = join(root, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ p2p: { 'listen-addr': `${testHost(95)}:0`, 'expected-proof-of-work': 0, 'bootstrap-peers': [] } }),
  );
  node = await startNode(
    resolveSettings({ dataDir: join(root, 'node'), configFile, chainName: TEST_CHAIN, metricsAddr: ['127.0.0.1:0'] }),
    { log: createLogger('fatal', { kind: 'null' }) },
  );
  exported = seriesNames((await scrape(node.metrics!.listeners[0]!.port)).text);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the PromQL tokeniser', () => {
  it('keeps metric names, drops functions, keywords, label names, strings, ranges and variables', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, direction) (rate(a_bucket{outcome="x", instance=~"$i"}[$__rate_interval])))',
      ),
    ).toEqual(['a_bucket']);
    expect(metricNamesOf('sum(b) / on(instance) group_left(job) c offset 5m or -d')).toEqual(['b', 'c', 'd']);
    expect(metricNamesOf('sum without (x) (rate(e[1m])) > bool 1e3')).toEqual(['e']);
  });
});

describe('apps/node/grafana/tzp2p-p2p.json', () => {
  it('is importable: a Prometheus datasource input, every query on it', () => {
    expect(dashboard.uid).toBe('tzp2p-p2p');
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    ]);
    expect(targets.length).toBeGreaterThan(20);
    for (const t of targets) {
      expect(t.expr, t.panel).toMatch(/\S/);
      expect(t.datasource, t.panel).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    }
  });

  it('covers connections, peers, points, bandwidth, handshakes, refusals, swaps and greylistings', () => {
    const titles = panels.map((p) => p.title);
    for (const t of [
      'Connections by direction',
      'Peers by state',
      'Points by state',
      'Bandwidth',
      'Handshakes by outcome',
      'Refusals by reason',
      'Swaps',
      'Greylistings',
    ])
      expect(titles).toContain(t);
  });

  it('every metric an expr reads is one a live node exports', () => {
    expect(exported.has('octez_p2p_connections_active')).toBe(true);
    expect(exported.has('not_a_metric')).toBe(false);
    const used = new Set(targets.flatMap((t) => metricNamesOf(t.expr ?? '')));
    expect(used.size).toBeGreaterThan(25);
    const missing = [...used].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });
});
