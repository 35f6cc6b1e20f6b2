import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium, which tools/system-deps/ensure.sh installs; `TZP2P_CHROMIUM` names another. */
export const CHROMIUM = process.env['TZP2P_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Headless Chromium. A missing browser fails the test (it is a dependency of the suite, like the
 * compiler), naming the script that installs it.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the web view tests need Debian's chromium package; run tools/system-deps/ensure.sh (npm test does, in its pretest hook)`,
    );
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** Everything the page reports as wrong: console errors, uncaught exceptions, failed requests. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => {
    // Streams the page holds open are aborted when the page closes; that is not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** What the page publishes as `window.__tzp2pView` (apps/web/src/app/view-state.ts). */
export interface ViewSnapshot {
  readonly mode: string;
  readonly ready: boolean;
  readonly vertices: readonly { id: string; label: string; state: string; trusted: boolean }[];
  readonly edges: readonly { source: string; target: string }[];
  readonly events: number;
  readonly eventKinds: readonly string[];
  readonly error: string | null;
}

export async function viewOf(page: Page): Promise<ViewSnapshot> {
  return JSON.parse(String(await page.evaluate('JSON.stringify(window.__tzp2pView)'))) as ViewSnapshot;
}

/** `source>target` of every edge, sorted: the graph's connections as comparable text. */
export function edgeKeys(edges: readonly { source: string; target: string }[]): string[] {
  return edges.map((e) => `${e.source}>${e.target}`).sort();
}
