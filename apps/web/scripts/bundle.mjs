// Bundles the page into dist/www: index.html, app.js (one ESM bundle: the page, cytoscape, uPlot),
// app.css (ours and uPlot's) and the icon. Nothing is fetched from elsewhere at run time: nodes may
// run offline.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/www`;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/app/main.ts' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  outdir: out,
  logLevel: 'warning',
});
for (const f of ['index.html', 'favicon.svg']) await copyFile(`${root}src/app/${f}`, `${out}/${f}`);
