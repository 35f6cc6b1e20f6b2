import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '@tezos-p2p/events';
import { createLogger } from '../src/cli/logger.js';
import {
  MetricsServerError,
  NodeMetrics,
  type NodeP2p,
  type RunningNode,
  resolveSettings,
  startMetricsServer,
  startNode,
} from '../src/index.js';
import { TEST_CHAIN, loopbackNode, testHost } from './loopback-nodes.js';
import { families, promtoolCheck, requirePromtool, sample, scrape } from './metrics-scrape.js';

interface FixtureMetric {
  readonly name: string;
  readonly type: string;
  readonly help: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/octez-metrics/p2p-metrics-v25.1.json', import.meta.url), 'utf8'),
) as { readonly metrics: readonly FixtureMetric[] };

const root = mkdtempSync(join(tmpdir(), 'tzp2p-metrics-'));
const quiet = createLogger('fatal', { kind: 'null' });
const NODE_HOST = testHost(90);
const ATTACKER_HOST = testHost(92);

let node: RunningNode;
let peer: NodeP2p;
let port: number;
/** Before any connection, then after the peer connected and sent, then after the garbage. */
let before: string;
let connected: string;
let afterGarbage: string;

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const text = async () => (await scrape(port)).text;

beforeAll(async () => {
  const configFile = join(root, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ p2p: { 'listen-addr': `${NODE_HOST}:0`, 'expected-proof-of-work': 0, 'bootstrap-peers': [] } }),
  );
  node = await startNode(
    resolveSettings({
      dataDir: join(root, 'node'),
      configFile,
      chainName: TEST_CHAIN,
      metricsAddr: ['127.0.0.1:0'],
      echo: true,
    }),
    { log: quiet },
  );
  port = node.metrics!.listeners[0]!.port;
  before = await text();

  peer = await loopbackNode(testHost(91));
  const conn = await peer.connect({ ip: NODE_HOST, port: node.p2p.listeningPort! });
  await until(() => node.p2p.connections().length === 1, 'the connection');
  await peer.send(conn, { tag: 0x10, payload: new Uint8Array([1, 2, 3, 4]) });
  // `--echo`: the node sends it back, so bytes flow both ways through its scheduler.
  await until(async () => sample(await text(), 'octez_p2p_messages_user_message_sent') >= 1, 'the echo');
  await peer.recv(conn);
  connected = await text();

  // Garbage filling its own length prefix: a decoding error before authentication greylists the address.
  const socket = connect({ host: NODE_HOST, port: node.p2p.listeningPort!, localAddress: ATTACKER_HOST });
  socket.on('error', () => undefined);
  socket.write(new Uint8Array([0x00, 0x40, ...randomBytes(64)]));
  await until(
    async () => sample(await text(), 'tzp2p_greylistings_total{kind="address"}') >= 1,
    'the address greylisting',
  );
  socket.destroy();
  afterGarbage = await text();
}, 60_000);

afterAll(async () => {
  await peer?.stop();
  await node?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('GET /metrics (--metrics-addr 127.0.0.1:0, two nodes over loopback)', () => {
  it("is Prometheus's text format: promtool parses it; its only lint is Octez's counters without _total", () => {
    requirePromtool();
    for (const t of [before, connected, afterGarbage]) {
      const { status, output } = promtoolCheck(t);
      const problems = output.split('\n').filter((l) => l.trim() !== '');
      // Octez's counter names are fixed by Octez (the dashboards query them): that lint is expected.
      const unexpected = problems.filter((l) => !/^octez_p2p_\S+ counter metrics should have "_total" suffix$/.test(l));
      expect(unexpected, output).toEqual([]);
      // 0: clean; 3: lint problems only (1 would be a parse error).
      expect([0, 3], output).toContain(status);
    }
  });

  it("serves every metric of Octez v25.1's p2p_metrics.ml and p2p_metrics_collectors.ml with Octez's type and help", () => {
    const served = families(before);
    expect(fixture.metrics).toHaveLength(31);
    for (const m of fixture.metrics) expect(served.get(m.name), m.name).toEqual({ type: m.type, help: m.help });
    for (const name of ['tzp2p_handshake_duration_seconds', 'tzp2p_handshakes_total', 'tzp2p_refusals_total'])
      expect(served.has(name), name).toBe(true);
  });

  it('values follow the node: one incoming connection, a running peer, bytes and (echoed) messages counted', () => {
    expect(sample(before, 'octez_p2p_connections_active')).toBe(0);
    expect(sample(connected, 'octez_p2p_connections_active')).toBe(1);
    expect(sample(connected, 'octez_p2p_connections_incoming')).toBe(1);
    expect(sample(connected, 'octez_p2p_connections_outgoing')).toBe(0);
    expect(sample(connected, 'octez_p2p_peers_running')).toBe(1);
    expect(sample(connected, 'octez_p2p_io_scheduler_total_recv')).toBeGreaterThan(
      sample(before, 'octez_p2p_io_scheduler_total_recv'),
    );
    expect(sample(connected, 'octez_p2p_io_scheduler_total_sent')).toBeGreaterThan(
      sample(before, 'octez_p2p_io_scheduler_total_sent'),
    );
    expect(sample(connected, 'octez_p2p_messages_user_message_received')).toBe(1);
    expect(sample(connected, 'octez_p2p_messages_user_message_sent')).toBe(1);
    expect(sample(connected, 'octez_p2p_messages_broadcast_message_sent')).toBe(0);
    expect(sample(connected, 'tzp2p_handshakes_total{direction="incoming",outcome="accepted"}')).toBe(1);
    expect(sample(connected, 'tzp2p_handshake_duration_seconds_count{direction="incoming",outcome="accepted"}')).toBe(
      1,
    );
  });

  it('a greylisting shows up, with the failed handshake that caused it', () => {
    expect(sample(connected, 'tzp2p_greylistings_total{kind="address"}')).toBeNaN();
    expect(sample(afterGarbage, 'tzp2p_greylistings_total{kind="address"}')).toBe(1);
    expect(sample(afterGarbage, 'tzp2p_handshakes_total{direction="incoming",outcome="DECODING_ERROR"}')).toBe(1);
  });

  it('anything but GET /metrics is a 400 "Bad request", as Octez answers', async () => {
    expect(await scrape(port, '/')).toMatchObject({ status: 400, text: 'Bad request' });
    const ok = await scrape(port);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('an address that cannot be bound is a METRICS_LISTEN_FAILED error naming it', async () => {
    const e = await startMetricsServer(new NodeMetrics(new EventBus()), {
      listen: [{ host: '127.0.0.1', port, key: '--metrics-addr' }],
      log: quiet,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MetricsServerError);
    expect((e as MetricsServerError).code).toBe('METRICS_LISTEN_FAILED');
    expect((e as Error).message).toMatch(/^--metrics-addr: cannot serve metrics on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });
});
