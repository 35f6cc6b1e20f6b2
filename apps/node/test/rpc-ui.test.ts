import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_ASSETS_DIR } from '@tezos-p2p/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NodeP2p,
  type RpcExtension,
  type RpcServer,
  type RpcServerOptions,
  sendJson,
  startRpcServer,
} from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// The web view on the RPC server: the built page (apps/web/dist/www) under /ui/, with the RPC's
// access rules, 404s and method answers; and the extension point the devnet uses.

let node: NodeP2p;
const servers: RpcServer[] = [];

beforeAll(async () => {
  node = await loopbackNode(testHost(61));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await node?.stop();
});

async function serve(opts: RpcServerOptions): Promise<number> {
  const s = await startRpcServer(node, opts);
  servers.push(s);
  return s.port;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A raw request: the path is sent exactly as written (fetch would resolve `..` before sending). */
function call(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web view under /ui/', () => {
  let port: number;
  beforeAll(async () => {
    port = await serve({ listen: [{ host: '127.0.0.1', port: 0 }] });
  });

  it('serves the built page and its assets with their content types, revalidated on each load', async () => {
    const page = await call(port, '/ui/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body.toString()).toBe(readFileSync(join(WEB_ASSETS_DIR, 'index.html'), 'utf8'));
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // The page may fetch from its own origin only: no CDN, no font service.
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await call(port, '/ui/index.html')).body).toEqual(page.body);

    const js = await call(port, '/ui/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await call(port, '/ui/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    // uPlot's stylesheet is bundled with ours.
    expect(css.body.toString()).toContain('.uplot');
    expect((await call(port, '/ui/favicon.svg')).headers['content-type']).toBe('image/svg+xml');

    const etag = String(js.headers['etag']);
    const again = await call(port, '/ui/app.js', 'GET', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('redirects /ui to /ui/, keeping the query', async () => {
    for (const [from, to] of [
      ['/ui', '/ui/'],
      ['/ui?devnet', '/ui/?devnet'],
    ]) {
      const r = await call(port, from!);
      expect(r.status, from).toBe(302);
      expect(r.headers['location'], from).toBe(to);
    }
  });

  it('never leaves the assets directory, and answers missing files with the RPC’s bare 404', async () => {
    for (const path of [
      '/ui/../package.json',
      // Files that exist beside and above the assets directory, of types that are served:
      '/ui/..%2fassets.js',
      '/ui/%2e%2e%2findex.js',
      '/ui/..%2f..%2fsrc%2fapp%2findex.html',
      '/ui/..%5c..%5csrc%5capp%5cindex.html',
      '/ui/..%2f..%2fpackage.json',
      '/ui/%2e%2e/%2e%2e/package.json',
      '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
      '/ui/..%5c..%5cpackage.json',
      '/ui/%2fetc%2fpasswd',
      '/ui//etc/passwd',
      '/ui/.hidden.js',
      '/ui/index.html%00.js',
      '/ui/app.js/x',
      '/ui/nothing.js',
      '/ui/app.ts',
      '/ui/api/devnet',
    ]) {
      const r = await call(port, path);
      expect(r.status, path).toBe(404);
      expect(r.body.length, path).toBe(0);
    }
    // A malformed escape is refused before routing, as on any RPC path.
    expect((await call(port, '/ui/%zz')).status).toBe(400);
  });

  it('answers other methods as the RPC does: 405 with Allow, 501 for HEAD', async () => {
    const post = await call(port, '/ui/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET');
    expect((await call(port, '/ui/app.js', 'HEAD')).status).toBe(501);
  });
});

describe('access control of /ui/ and of extensions', () => {
  const extension: RpcExtension = (app) => {
    app.get('/ui/api/test', async (_req, reply) => sendJson(reply, { ok: true }));
  };

  it('lets the default policy of a non-loopback address refuse the page, with resto’s empty 401', async () => {
    const port = await serve({ listen: [{ host: '0.0.0.0', port: 0 }], extensions: [extension] });
    for (const path of ['/ui/', '/ui/app.js', '/ui', '/ui/api/test']) {
      const r = await call(port, path);
      expect(r.status, path).toBe(401);
      expect(r.body.length, path).toBe(0);
    }
    // Every path under /ui/ is routed: the ACL refuses before any file is looked up (nothing leaks).
    expect((await call(port, '/ui/a/b')).status).toBe(401);
    expect((await call(port, '/network/stat')).status).toBe(200);
  });

  it('decides on /ui/ and extension paths with rpc.acl like on any RPC path', async () => {
    const port = await serve({
      listen: [{ host: '127.0.0.1', port: 0 }],
      acl: [{ address: '127.0.0.1', whitelist: ['GET /ui/**', 'GET /network/**'] }],
      extensions: [extension],
    });
    expect((await call(port, '/ui/')).status).toBe(200);
    expect((await call(port, '/ui/app.js')).status).toBe(200);
    expect(JSON.parse((await call(port, '/ui/api/test')).body.toString())).toEqual({ ok: true });

    const closed = await serve({
      listen: [{ host: '127.0.0.1', port: 0 }],
      acl: [{ address: '127.0.0.1', blacklist: ['GET /ui/**'] }],
      extensions: [extension],
    });
    expect((await call(closed, '/ui/')).status).toBe(401);
    expect((await call(closed, '/ui/api/test')).status).toBe(401);
    expect((await call(closed, '/network/self')).status).toBe(200);
  });

  it('serves extension routes on every address, with the RPC’s method answers', async () => {
    const port = await serve({ listen: [{ host: '127.0.0.1', port: 0 }], extensions: [extension] });
    const r = await call(port, '/ui/api/test');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect((await call(port, '/ui/api/test', 'DELETE')).status).toBe(405);
  });
});
