// `npm run screenshot`: starts a 4-node devnet (the built CLI), opens its web view in headless
// Chromium once the mesh is complete and a connection has been cut and re-made (so the event log
// and the bandwidth chart have something to show), and writes docs/img/web-view.png.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const CHROMIUM = process.env.TZP2P_CHROMIUM ?? '/usr/bin/chromium';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(repo, 'docs/img/web-view.png');
const data = mkdtempSync(join(tmpdir(), 'tzp2p-screenshot-'));

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: run tools/system-deps/ensure.sh`);
  process.exit(1);
}

const devnet = spawn(
  process.execPath,
  [
    join(repo, 'apps/node/bin/tzp2p.js'),
    'devnet',
    '--nodes',
    '4',
    '--data-dir',
    data,
    '--base-port',
    '0',
    '--rpc-base-port',
    '0',
    '--json',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

/** The devnet's first JSON line showing a full mesh. */
const mesh = await new Promise((resolve, reject) => {
  let text = '';
  const timer = setTimeout(() => reject(new Error('no full mesh within 60 s')), 60_000);
  devnet.stdout.on('data', (d) => {
    text += d.toString();
    for (const line of text.split('\n').filter(Boolean)) {
      const j = JSON.parse(line);
      if (j.nodes.every((n) => n.connected_to.length === 3)) {
        clearTimeout(timer);
        resolve(j);
      }
    }
  });
  devnet.on('exit', (code) => reject(new Error(`the devnet exited (${code})`)));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1100 });
  await page.goto(mesh.ui, { waitUntil: 'load' });
  await page.waitForSelector('#summary[data-nodes="4"][data-edges="6"]', { timeout: 30_000 });
  await sleep(3_000);
  const [, one, two] = mesh.nodes;
  await fetch(`${one.rpc}/network/connections/${two.peer_id}?wait`, { method: 'DELETE' });
  // Re-made by the maintenance after the devnet's 2 s delay, or on request if it is idle.
  for (let i = 0; i < 10; i++) {
    await sleep(3_000);
    if ((await page.$('#summary[data-edges="6"]')) !== null) break;
    await fetch(`${one.rpc}/network/points/${two.p2p}?timeout=5`, { method: 'PUT' });
  }
  await page.waitForSelector('#summary[data-edges="6"]', { timeout: 30_000 });
  await page.waitForSelector('#event-log li[data-kind="connection_established"]', { timeout: 10_000 });
  await sleep(4_000);
  mkdirSync(join(repo, 'docs/img'), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  devnet.kill('SIGINT');
  await new Promise((r) => devnet.once('exit', r));
  rmSync(data, { recursive: true, force: true });
}
