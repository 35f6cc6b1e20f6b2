import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UI_PREFIX, WEB_ASSETS_DIR } from '@tezos-p2p/web';
import { readStaticFile } from '../static-files.js';

/**
 * The page may talk to the server that served it and nothing else: no CDN, no font service (nodes run
 * offline, and a page fetching elsewhere would leak what it shows). Inline styles are allowed for
 * the drawing libraries, which set element styles.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function decodedSegments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * `GET /ui/…`: the web view (apps/web, built into `WEB_ASSETS_DIR`). `/ui/` is its page, `/ui/<file>`
 * its assets; `/ui` redirects to `/ui/` so that the page's relative links resolve under the prefix.
 * Only single-segment names of known types are looked up (static-files.ts): no path can leave the
 * directory. Missing files are a bare 404, as any unknown RPC path. Answers are revalidated on each
 * load (`no-cache` with an ETag), so a rebuilt page is picked up at once.
 */
export function uiRoutes(app: FastifyInstance, assetsDir: string = WEB_ASSETS_DIR): void {
  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const segments = decodedSegments(path);
    if (segments === undefined || segments[0] !== 'ui') return reply.code(404).send();
    if (segments.length === 1 && !path.endsWith('/'))
      return reply.redirect(`${UI_PREFIX}${q < 0 ? '' : req.url.slice(q)}`, 302);
    if (segments.length > 2) return reply.code(404).send();
    const file = await readStaticFile(assetsDir, segments[1] ?? 'index.html');
    if (file === undefined) return reply.code(404).send();
    reply
      .header('cache-control', 'no-cache')
      .header('etag', file.etag)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.type(file.contentType).send(file.body);
  };
  app.get('/ui', serve);
  app.get('/ui/*', serve);
}
