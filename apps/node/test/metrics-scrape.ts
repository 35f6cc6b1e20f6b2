import { spawnSync } from 'node:child_process';

/** Prometheus's own checker, from Debian's `prometheus` package (installed by tools/system-deps/ensure.sh). */
export const PROMTOOL = process.env['PROMTOOL'] ?? 'promtool';

/** Fails, never skips, when promtool is missing: the exposition must be checked by Prometheus's parser. */
export function requirePromtool(): void {
  const r = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    throw new Error(
      `promtool is required to check the /metrics exposition and was not found (${PROMTOOL}: ${r.error?.message ?? `exit ${r.status}`}); ` +
        'run tools/system-deps/ensure.sh (it installs Debian\'s "prometheus" package, which provides /usr/bin/promtool)',
    );
}

/** `promtool check metrics` on `text`: its exit status and what it printed (parse errors and lint problems). */
export function promtoolCheck(text: string): { readonly status: number | null; readonly output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

export async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string; text: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
}

export interface Family {
  readonly type: string;
  readonly help: string;
}

/** The `# HELP` and `# TYPE` lines of an exposition, by metric family name. */
export function families(text: string): Map<string, Family> {
  const out = new Map<string, { type: string; help: string }>();
  const entry = (name: string) => out.get(name) ?? out.set(name, { type: '', help: '' }).get(name)!;
  for (const line of text.split('\n')) {
    const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (m === null) continue;
    if (m[1] === 'HELP') entry(m[2]!).help = m[3]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    else entry(m[2]!).type = m[3]!;
  }
  return out;
}

/** Every series name a query may use: each family, and for histograms its `_bucket`, `_sum`, `_count`. */
export function seriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [name, { type }] of families(text)) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

/** The value of one sample, `name{labels}` written as the exposition writes it (labels in order); NaN if absent. */
export function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    if (line.slice(0, at) === series) return Number(line.slice(at + 1));
  }
  return Number.NaN;
}
