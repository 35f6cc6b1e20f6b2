import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, type NodeP2p, type RpcServer, startRpcServer } from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// A body nested deeper than any service takes is refused as resto refuses every body that does not
// decode (400, text/plain), before anything recursive walks it; nothing is logged at error level.

let node: NodeP2p;
let server: RpcServer;
let base = '';
const errors: string[] = [];

beforeAll(async () => {
  node = await loopbackNode(testHost(41));
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''))
        if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line);
      done();
    },
  });
  server = await startRpcServer(node, {
    listen: [{ host: '127.0.0.1', port: 0 }],
    logger: pino({ level: 'debug' }, sink),
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await node?.stop();
});

async function send(
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(base + path, { method, body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const nested = (open: string, inner: string, close: string, depth: number) =>
  open.repeat(depth) + inner + close.repeat(depth);

describe('deeply nested JSON bodies', () => {
  it('answers 400 with resto text for arrays, objects and nested field values, under the body size limit', async () => {
    const peer = `/network/peers/${node.peerId}`;
    const cases: [string, string, string][] = [
      ['PATCH', peer, nested('[', '', ']', 30_000)],
      ['PATCH', peer, nested('{"acl":', '"ban"', '}', 5_000)],
      ['PATCH', peer, `{"acl":${nested('[', '1', ']', 20_000)}}`],
      ['PATCH', `/network/points/127.0.0.1:1`, `{"peer_id":${nested('[', '', ']', 20_000)}}`],
      ['PUT', `/network/points/127.0.0.1:1`, nested('[', '', ']', 20_000)],
    ];
    for (const [method, path, body] of cases) {
      expect(body.length).toBeLessThan(64 * 1024);
      const r = await send(method, path, body);
      expect([r.status, r.type], `${method} ${path} ${body.slice(0, 20)}`).toEqual([400, 'text/plain']);
      expect(r.text).toMatch(/^Failed to parse the request body: /);
    }
    expect(errors).toEqual([]);
  });

  it('refuses past the depth limit only, and never counts brackets inside strings', async () => {
    const peer = `/network/peers/${node.peerId}`;
    const deepest = await send('PATCH', peer, nested('[', '', ']', MAX_BODY_DEPTH));
    // At the limit the body is parsed, and refused by the service's own check.
    expect(deepest.status).toBe(400);
    expect(deepest.text).toMatch(/^Failed to parse the request body: expected a JSON object, got \[\[/);
    const over = await send('PATCH', peer, nested('[', '', ']', MAX_BODY_DEPTH + 1));
    expect([over.status, over.text]).toEqual([
      400,
      `Failed to parse the request body: JSON nested deeper than ${MAX_BODY_DEPTH} levels`,
    ]);
    const inString = await send('PATCH', peer, `{"acl":"${'['.repeat(10_000)}"}`);
    expect(inString.status).toBe(400);
    expect(inString.text).toMatch(
      /^Failed to parse the request body: at \/acl, expected "ban", "trust" or "open", got "\[\[/,
    );
    expect(errors).toEqual([]);
  });
});
