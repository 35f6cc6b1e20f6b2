import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeP2p, type RpcServer, startRpcServer } from '../src/rpc/index.js';
import { edgeKeys, launchBrowser, viewOf, watchProblems } from './browser.js';
import { Cli } from './cli-process.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// The web view in a real browser (headless Chromium): the page a node serves on its RPC address,
// and the devnet's page, each checked against what the nodes themselves report.

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-web-view-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.setViewport({ width: 1280, height: 1100 });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Waits until the page's published graph has exactly these edges (dialler>acceptor, vertex ids). */
async function untilEdges(page: Page, expected: readonly string[], ms = 30_000): Promise<void> {
  const keys = JSON.stringify([...expected].sort());
  await page.waitForFunction(
    `(() => { const v = window.__tzp2pView; return v !== undefined && JSON.stringify(v.edges.map((e) => e.source + '>' + e.target).sort()) === ${JSON.stringify(keys)}; })()`,
    { timeout: ms },
  );
}

/**
 * Waits until the nodes report `count` connections (`current()`, read again on each try, as the
 * network may still be moving) and the page's graph has exactly those; fails with both lists when
 * that does not happen in time.
 */
async function untilAgrees(
  page: Page,
  current: () => Promise<string[]>,
  count: number,
  ms = 45_000,
): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const expected = await current();
    const shown = edgeKeys((await viewOf(page)).edges);
    const agree = JSON.stringify(shown) === JSON.stringify(expected);
    if ((agree && expected.length === count) || Date.now() > deadline) {
      expect(expected).toHaveLength(count);
      expect(shown).toEqual(expected);
      return expected;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Types into the peer / point filter as a person would (an input event per change). */
async function setSubjectFilter(page: Page, text: string): Promise<void> {
  await page.$eval(
    '#filter-subject',
    (e, v) => {
      Object.assign(e, { value: v });
      e.dispatchEvent(new Event('input'));
    },
    text,
  );
}

/** Text of the event log's entries of one kind. */
async function logEntries(page: Page, kind: string): Promise<string[]> {
  return page.$$eval(`#event-log li[data-kind="${kind}"]`, (lis) => lis.map((li) => li.textContent ?? ''));
}

describe('the page of one node', () => {
  let a: NodeP2p;
  let b: NodeP2p;
  let rpc: RpcServer;

  beforeAll(async () => {
    a = await loopbackNode(testHost(81));
    b = await loopbackNode(testHost(82));
    rpc = await startRpcServer(a, { listen: [{ host: testHost(81), port: 0 }] });
  });

  afterAll(async () => {
    await rpc?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('shows the node, then its connection as it is made, the events, and the bandwidth chart', async () => {
    const { page, problems } = await open(`http://${testHost(81)}:${rpc.port}/ui/`);
    await page.waitForSelector('#summary[data-ready="true"][data-nodes="1"]', { timeout: 15_000 });
    expect(await page.$eval('#identity', (e) => e.textContent)).toContain(a.peerId);

    await a.connect({ ip: testHost(82), port: b.listeningPort! }, { timeoutMs: 10_000 });
    // The graph follows the node's own connection list: one outgoing connection, a → b.
    const mine = a.connections().map((c) => `peer:${a.peerId}>peer:${c.peerId}`);
    expect(mine).toEqual([`peer:${a.peerId}>peer:${b.peerId}`]);
    await untilEdges(page, mine);
    await page.waitForSelector('#summary[data-edges="1"]');
    const view = await viewOf(page);
    expect(view.mode).toBe('node');
    expect(view.vertices.find((v) => v.id === `peer:${b.peerId}`)?.state).toBe('running');

    // Real events from /network/log, as the node published them.
    await page.waitForSelector('#event-log li[data-kind="connection_established"]', { timeout: 15_000 });
    expect((await logEntries(page, 'connection_established')).join('\n')).toContain(b.peerId);
    expect((await viewOf(page)).eventKinds).toContain('connection_established');

    // Filtering by peer: nothing matches a peer id that is not there; clearing brings the entries back.
    const all = await page.$$eval('#event-log li', (lis) => lis.length);
    await setSubjectFilter(page, 'idNOTAPEER');
    expect(await page.$$eval('#event-log li', (lis) => lis.length)).toBe(0);
    await setSubjectFilter(page, b.peerId);
    expect(await page.$$eval('#event-log li', (lis) => lis.length)).toBeGreaterThan(0);
    await setSubjectFilter(page, '');
    expect(await page.$$eval('#event-log li', (lis) => lis.length)).toBeGreaterThanOrEqual(all);

    // The bandwidth chart (uPlot) is drawn from the sampled counters.
    await page.waitForSelector('#bandwidth .uplot', { timeout: 10_000 });
    await page.screenshot({ path: join(dir, 'node.png') });
    expect(statSync(join(dir, 'node.png')).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

interface Row {
  node: number;
  peer_id: string;
  p2p: string;
  rpc: string;
  connected_to: number[];
}

describe('the devnet as one graph (tzp2p devnet)', () => {
  it('shows every node and every connection, follows a disconnection, and streams every node’s events', async () => {
    const cli = new Cli([
      'devnet',
      '--nodes',
      '4',
      '--data-dir',
      join(dir, 'devnet'),
      '--base-port',
      '0',
      '--rpc-base-port',
      '0',
      '--json',
    ]);
    try {
      const { rows, ui } = await cli.until(
        () => {
          const last = cli.stdout.trim().split('\n').filter(Boolean).at(-1);
          if (last === undefined) return undefined;
          const line = JSON.parse(last) as { ui: string; nodes: Row[] };
          return line.nodes.every((r) => r.connected_to.length === 3) ? { rows: line.nodes, ui: line.ui } : undefined;
        },
        'a full mesh',
        60_000,
      );
      expect(ui).toBe(`${rows[0]!.rpc}/ui/?devnet`);

      // Every node's own connection list, through its own RPC.
      const edges = async () => {
        const keys = new Set<string>();
        for (const r of rows) {
          const conns = (await (await fetch(`${r.rpc}/network/connections`)).json()) as {
            peer_id: string;
            incoming: boolean;
          }[];
          for (const c of conns)
            keys.add(c.incoming ? `peer:${c.peer_id}>peer:${r.peer_id}` : `peer:${r.peer_id}>peer:${c.peer_id}`);
        }
        return [...keys].sort();
      };

      const { page, problems } = await open(ui);
      const mesh = await untilAgrees(page, edges, 6);
      await page.waitForSelector('#summary[data-nodes="4"][data-edges="6"]');
      const view = await viewOf(page);
      expect(view.mode).toBe('devnet');
      expect(view.vertices.map((v) => v.label).sort()).toEqual(['node 0', 'node 1', 'node 2', 'node 3']);

      // Cut node 1 ↔ node 2: the graph loses that edge, events stream in, and the mesh comes back.
      const cut = await fetch(`${rows[1]!.rpc}/network/connections/${rows[2]!.peer_id}?wait`, { method: 'DELETE' });
      expect(cut.status).toBe(200);
      const without = mesh.filter((k) => !(k.includes(rows[1]!.peer_id) && k.includes(rows[2]!.peer_id)));
      expect(without).toHaveLength(5);
      await untilEdges(page, without, 10_000);
      await page.waitForFunction("Number(document.querySelector('#summary').dataset.events) > 0", { timeout: 15_000 });
      // The maintenance reconnects them after the devnet's 2 s disconnection delay, unless it has just
      // run and is idle: then node 1 is asked to (PUT …/points), as an operator would.
      const deadline = Date.now() + 45_000;
      while ((await edges()).length < 6 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 3_000));
        if ((await edges()).length < 6)
          await fetch(`${rows[1]!.rpc}/network/points/${rows[2]!.p2p}?timeout=5`, { method: 'PUT' });
      }
      await untilAgrees(page, edges, 6);
      await page.waitForSelector('#event-log li[data-kind="connection_established"]', { timeout: 10_000 });
      const established = await logEntries(page, 'connection_established');
      expect(established.some((t) => /node [0-3]/.test(t))).toBe(true);

      await page.waitForSelector('#bandwidth .uplot', { timeout: 10_000 });
      await page.screenshot({ path: join(dir, 'devnet.png'), fullPage: true });
      expect(statSync(join(dir, 'devnet.png')).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      await page.close();
      cli.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
    } finally {
      cli.kill('SIGKILL');
    }
  }, 180_000);
});
