import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { generateIdentity } from '@tezos-p2p/crypto';
import { createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOW_ALL,
  AclError,
  SECURE,
  allowed,
  choosePolicy,
  isInterfaceScope,
  matches,
  parseAclEntries,
  parseMatcher,
  policyType,
  requestPath,
  resolveAclEntries,
} from '../src/rpc/acl/index.js';
import { resolveListenAddrs } from '../src/rpc/listen.js';
import {
  type NodeP2p,
  type RpcAclJson,
  type RpcServer,
  type RpcServerOptions,
  startRpcServer,
} from '../src/rpc/index.js';
import { thrown } from './errors-of.js';

// Patterns, policies and their choice per listening address as pure functions; then real servers
// on 127.0.0.1 and 0.0.0.0, every request sent to 127.0.0.1: the ACL follows the address a server
// listens on, never the client's.

const matchOf = (pattern: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string) =>
  matches(parseMatcher(pattern), method, requestPath(url));

const aclError = (f: () => unknown): AclError => thrown(AclError, f);

describe('patterns (resto/src/acl.ml)', () => {
  it('matches one segment with *, any suffix with **, and literal segments exactly', () => {
    expect(matchOf('/network/*', 'GET', '/network/stat')).toBe(true);
    expect(matchOf('/network/*', 'GET', '/network')).toBe(false);
    expect(matchOf('/network/*', 'GET', '/network/points/1.2.3.4:9732')).toBe(false);
    expect(matchOf('/network/points/*/log', 'GET', '/network/points/1.2.3.4:9732/log')).toBe(true);
    expect(matchOf('/network/points/*/log', 'GET', '/network/points/1.2.3.4:9732/log/x')).toBe(false);
    // `**` also matches the prefix itself, and the root pattern everything.
    expect(matchOf('/network/**', 'GET', '/network')).toBe(true);
    expect(matchOf('/network/**', 'GET', '/network/points/x/log')).toBe(true);
    expect(matchOf('/network/**', 'GET', '/networks')).toBe(false);
    expect(matchOf('/**', 'DELETE', '/anything/at/all')).toBe(true);
    expect(matchOf('/', 'GET', '/')).toBe(true);
    expect(matchOf('/', 'GET', '/network')).toBe(false);
  });

  it('reads paths as resto does: empty segments dropped, the query ignored, segments percent-decoded', () => {
    expect(requestPath('//network///stat/?x=1')).toEqual(['network', 'stat']);
    expect(matchOf('GET /network/stat', 'GET', '/network//stat/')).toBe(true);
    expect(matchOf('/network/points/127.0.0.1:9732', 'PATCH', '/network/points/127.0.0.1%3A9732')).toBe(true);
    // A special character is written percent-encoded in a pattern and matches its decoded form.
    expect(matchOf('/a/b%2Ac', 'GET', '/a/b*c')).toBe(true);
    expect(matchOf('/a/b%2Ac', 'GET', '/a/bxc')).toBe(false);
    expect(matchOf('/caf%C3%A9', 'GET', '/café')).toBe(true);
    expect(matchOf('/café', 'GET', '/caf%C3%A9')).toBe(true);
  });

  it('restricts by method when one is given, with or without spaces before the path', () => {
    for (const p of ['GET /network/**', 'GET/network/**', 'GET    /network/**']) {
      expect(matchOf(p, 'GET', '/network/stat'), p).toBe(true);
      expect(matchOf(p, 'PATCH', '/network/stat'), p).toBe(false);
    }
    expect(matchOf('PATCH/*', 'PATCH', '/x')).toBe(true);
    expect(matchOf('    /**', 'PUT', '/x')).toBe(true);
    for (const m of ['POST', 'PUT', 'DELETE'] as const) expect(matchOf(`${m} /x`, m, '/x')).toBe(true);
  });

  it("refuses what Octez's parser refuses, with its reason", () => {
    const cases: [string, string][] = [
      ['', 'a filter cannot be empty'],
      ['network/stat', 'invalid method matcher'],
      ['get /network', 'invalid method matcher'],
      ['HEAD /network', 'invalid method matcher'],
      ['GET', 'invalid method matcher'],
      ['GET ', 'invalid method matcher'],
      ['GETS /network', 'invalid method matcher'],
      [' GET /network', 'invalid method matcher'],
      ['/network/**/log', 'double-star can only appear in suffix position'],
      ['/network/**/**', 'double-star can only appear in suffix position'],
      ['/network/stat*', '* must be percent-encoded'],
      ['/network/**x', '* must be percent-encoded'],
      ['/a?b', '? must be percent-encoded'],
      ['/a=b&c', '= must be percent-encoded'],
      ['/a#b', '# must be percent-encoded'],
    ];
    for (const [text, reason] of cases) {
      const e = aclError(() => parseMatcher(text));
      expect([e.code, e.text, e.reason], text).toEqual(['INVALID_ACL_PATTERN', text, reason]);
    }
  });
});

describe('policies (RPC_server.Acl)', () => {
  it("Octez's secure policy opens only GET /network/stat of /network", () => {
    expect(allowed(SECURE, 'GET', ['network', 'stat'])).toBe(true);
    for (const [m, path] of [
      ['GET', '/network/connections'],
      ['GET', '/network/self'],
      ['PATCH', '/network/points/127.0.0.1:9732'],
      ['PUT', '/network/points/127.0.0.1:9732'],
      ['DELETE', '/network/greylist'],
      ['POST', '/network/stat'],
    ] as const) {
      expect(allowed(SECURE, m, requestPath(path)), `${m} ${path}`).toBe(false);
    }
    // Its non-P2P part is there too.
    expect(allowed(SECURE, 'GET', requestPath('/chains/main/blocks/head/header'))).toBe(true);
    expect(allowed(SECURE, 'POST', requestPath('/injection/operation'))).toBe(true);
    expect(allowed(ALLOW_ALL, 'DELETE', requestPath('/network/greylist'))).toBe(true);
  });

  it('reads rpc.acl entries: a whitelist denies the rest, a blacklist allows it', () => {
    const [white, black] = parseAclEntries([
      { address: '127.0.0.1:8732', whitelist: ['GET /network/self'] },
      { address: 'localhost', blacklist: ['PATCH /network/**'] },
    ]);
    expect(white!.address).toEqual({ addr: '127.0.0.1', port: 8732 });
    expect(allowed(white!.policy, 'GET', ['network', 'self'])).toBe(true);
    expect(allowed(white!.policy, 'GET', ['network', 'stat'])).toBe(false);
    expect(black!.address).toEqual({ addr: 'localhost', port: undefined });
    expect(allowed(black!.policy, 'PATCH', ['network', 'peers', 'x'])).toBe(false);
    expect(allowed(black!.policy, 'GET', ['network', 'peers', 'x'])).toBe(true);
    // Octez names a policy by what it is, not by where it came from.
    expect(policyType(white!.policy)).toBe('Custom');
    expect(policyType(parseAclEntries([{ address: 'h', blacklist: [] }])[0]!.policy)).toBe('AllowAll');
  });

  it('names the offending entry and field of rpc.acl', () => {
    const pattern = aclError(() =>
      parseAclEntries([
        { address: '127.0.0.1', whitelist: ['GET /network/stat'] },
        { address: '0.0.0.0', blacklist: ['/ok', 'GET /bad/**/x'] },
      ]),
    );
    expect(pattern).toMatchObject({
      code: 'INVALID_ACL_PATTERN',
      text: 'GET /bad/**/x',
      location: { entry: 1, field: 'blacklist[1]' },
    });
    expect(pattern.message).toBe(
      'rpc.acl[1].blacklist[1]: "GET /bad/**/x": double-star can only appear in suffix position',
    );
    const addresses: [string, string][] = [
      ['::1', 'expected <addr>[:<port>][#<peer_id>] in address'],
      ['127.0.0.1:70000', "port '70000' not in range [0-65535] in address"],
      ['127.0.0.1:8732#nobody', "peer id 'nobody' is not valid (b58 format expected) in address"],
      ['http://localhost', 'expected <addr>[:<port>][#<peer_id>] in address'],
    ];
    for (const [address, reason] of addresses) {
      const e = aclError(() => parseAclEntries([{ address, whitelist: [] }]));
      expect(e, address).toMatchObject({
        code: 'INVALID_ACL_ADDRESS',
        text: address,
        reason,
        location: { entry: 0, field: 'address' },
      });
    }
    expect(parseAclEntries([{ address: '[::1]:8732', whitelist: [] }])[0]!.address).toEqual({
      addr: '::1',
      port: 8732,
    });
    expect(parseAclEntries([{ address: ':8732', whitelist: [] }])[0]!.address).toEqual({ addr: '', port: 8732 });
  });
});

describe('the policy of a listening address (node_run_command.ml)', () => {
  it('grants everything to loopback addresses only, by default', () => {
    for (const ip of ['127.0.0.1', '127.42.0.7', '::1', '::ffff:127.0.0.1']) {
      expect(isInterfaceScope(ip), ip).toBe(true);
      expect(choosePolicy([], ip, 8732).policy, ip).toBe(ALLOW_ALL);
    }
    for (const ip of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '2001:db8::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isInterfaceScope(ip), ip).toBe(false);
      expect(choosePolicy([], ip, 8732).policy, ip).toBe(SECURE);
    }
  });

  it('takes the first rpc.acl entry for the address, with the port or without, names resolved', async () => {
    const json: RpcAclJson[] = [
      { address: '127.0.0.1:9000', whitelist: ['GET /network/self'] },
      { address: 'node.test', blacklist: ['DELETE /network/**'] },
      { address: '[::ffff:127.0.0.1]', blacklist: ['PATCH /network/**'] },
      { address: '0.0.0.0', blacklist: [] },
      { address: 'nowhere.test', whitelist: [] },
    ];
    const fakeDns = async (host: string) =>
      ({
        'node.test': ['127.0.0.1', '::1'],
        '127.0.0.1': ['127.0.0.1'],
        '::ffff:127.0.0.1': ['::ffff:127.0.0.1'],
        '0.0.0.0': ['0.0.0.0'],
      })[host] ?? [];
    const { entries, unresolved } = await resolveAclEntries(parseAclEntries(json), fakeDns);
    expect(unresolved).toEqual([json[4]]);
    // The port-specific entry first, then the name's, which shadows the later literal one.
    expect(choosePolicy(entries, '127.0.0.1', 9000).source).toBe(json[0]);
    expect(choosePolicy(entries, '127.0.0.1', 8732).source).toBe(json[1]);
    expect(choosePolicy(entries, '::1', 9000).source).toBe(json[1]);
    // 0.0.0.0 is an address like any other: only an entry for it applies.
    expect(choosePolicy(entries, '0.0.0.0', 8732)).toEqual({ policy: ALLOW_ALL, source: json[3] });
    expect(choosePolicy(entries, '::', 8732)).toEqual({ policy: SECURE, source: undefined });
  });

  it('listens on localhost for an empty host, and refuses a host without addresses', async () => {
    const seen: string[] = [];
    const fakeDns = async (host: string) => {
      seen.push(host);
      return host === 'localhost' ? ['127.0.0.1', '::1'] : host === 'two.test' ? ['127.0.0.2', '127.0.0.3'] : [];
    };
    const sockets = await resolveListenAddrs(
      [
        { host: '', port: 1 },
        { host: '_', port: 2 },
        { host: 'two.test', port: 3 },
      ],
      fakeDns,
    );
    expect(seen).toEqual(['localhost', 'localhost', 'two.test']);
    expect(sockets.map((s) => `${s.ip} ${s.port}`)).toEqual([
      '127.0.0.1 1',
      '::1 1',
      '127.0.0.1 2',
      '::1 2',
      '127.0.0.2 3',
      '127.0.0.3 3',
    ]);
    await expect(resolveListenAddrs([{ host: 'nowhere.test', port: 1 }], fakeDns)).rejects.toMatchObject({
      name: 'RpcServerError',
      code: 'RPC_LISTEN_FAILED',
    });
  });
});

// --- Real servers ---------------------------------------------------------------------------------

let node: NodeP2p;
const servers: RpcServer[] = [];

beforeAll(async () => {
  const host = `127.${60 + (process.pid % 120)}.200.1`;
  const identity = await generateIdentity({ difficulty: 0, workers: 0 });
  node = (await createP2p(
    { identity, listenAddr: host, localAddress: host, listeningPort: 0, expectedProofOfWork: 0 },
    { maintenanceIdleTimeMs: null },
    rawMessageParams('TZP2P_RPC_ACL_TEST'),
  )) as NodeP2p;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await node?.stop();
});

async function serve(opts: RpcServerOptions): Promise<RpcServer> {
  const s = await startRpcServer(node, opts);
  servers.push(s);
  return s;
}

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly length: string | null;
  readonly text: string;
}

/** Always to 127.0.0.1, whatever address the server listens on. */
async function call(port: number, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(
    `http://127.0.0.1:${port}${path}`,
    body === undefined
      ? { method }
      : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    text: await res.text(),
  };
}

const PATCH_POINT: [string, string, unknown] = ['PATCH', '/network/points/127.0.0.9:9732', { acl: 'trust' }];

/** Ports free on 127.0.0.1 right now, all distinct. */
async function freePorts(n: number): Promise<number[]> {
  const held = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = held.map((s) => (s.address() as { port: number }).port);
  await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

describe('ACL over real sockets', () => {
  it("refuses all of /network but GET /network/stat on 0.0.0.0, with resto's empty 401", async () => {
    const s = await serve({ listen: [{ host: '0.0.0.0', port: 0 }] });
    expect(s.listeners).toEqual([{ host: '0.0.0.0', port: s.port, acl: 'Secure', aclEntry: undefined }]);
    const refused = await call(s.port, ...PATCH_POINT);
    expect(refused).toEqual({ status: 401, type: 'application/json', length: '0', text: '' });
    expect((await call(s.port, 'GET', '/network/connections')).status).toBe(401);
    expect((await call(s.port, 'PUT', '/network/points/127.0.0.9:9732', {})).status).toBe(401);
    expect((await call(s.port, 'GET', '/network/stat')).status).toBe(200);
    // Resto looks the service up before its ACL: unknown paths, other methods and HEAD are answered as usual.
    expect((await call(s.port, 'GET', '/network/nothing')).status).toBe(404);
    expect((await call(s.port, 'POST', '/network/stat')).status).toBe(405);
    expect((await call(s.port, 'HEAD', '/network/connections')).status).toBe(501);
    // The refused PATCH changed nothing.
    expect(node.pointInfo({ ip: '127.0.0.9', port: 9732 } as never)?.trusted ?? false).toBe(false);
  });

  it('accepts everything on 127.0.0.1', async () => {
    const s = await serve({ listen: [{ host: '127.0.0.1', port: 0 }] });
    expect(s.listeners[0]).toMatchObject({ acl: 'AllowAll', aclEntry: undefined });
    const r = await call(s.port, ...PATCH_POINT);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ trusted: true });
    expect((await call(s.port, 'PATCH', '/network/points/127.0.0.9:9732', { acl: 'open' })).status).toBe(200);
  });

  it('listens on localhost, with full access, when the host is empty', async () => {
    const s = await serve({ listen: [{ host: '', port: 0 }] });
    expect(s.listeners.length).toBeGreaterThan(0);
    for (const l of s.listeners) expect([isInterfaceScope(l.host), l.acl]).toEqual([true, 'AllowAll']);
  });

  it('restricts a loopback address with a whitelist, and opens 0.0.0.0 with a blacklist', async () => {
    const acl: RpcAclJson[] = [
      { address: '127.0.0.1', whitelist: ['GET /network/self', 'GET /network/peers/*'] },
      { address: '0.0.0.0', blacklist: ['DELETE /network/**'] },
    ];
    const s = await serve({
      listen: [
        { host: '127.0.0.1', port: 0 },
        { host: '0.0.0.0', port: 0 },
      ],
      acl,
    });
    const [loop, any] = s.listeners;
    expect(loop).toMatchObject({ host: '127.0.0.1', acl: 'Custom', aclEntry: acl[0] });
    expect(any).toMatchObject({ host: '0.0.0.0', acl: 'Custom', aclEntry: acl[1] });
    expect(s.port).toBe(loop!.port);

    expect((await call(loop!.port, 'GET', '/network/self')).status).toBe(200);
    expect((await call(loop!.port, 'GET', `/network/peers/${node.peerId}`)).status).toBe(404);
    expect((await call(loop!.port, 'GET', '/network/stat')).status).toBe(401);
    expect((await call(loop!.port, ...PATCH_POINT)).status).toBe(401);

    expect((await call(any!.port, ...PATCH_POINT)).status).toBe(200);
    expect((await call(any!.port, 'GET', '/network/connections')).status).toBe(200);
    expect((await call(any!.port, 'DELETE', '/network/greylist')).status).toBe(401);
    await call(loop!.port, 'PATCH', '/network/points/127.0.0.9:9732', { acl: 'open' });
  });

  it('applies a port-specific entry to that port only', async () => {
    const [p1, p2] = await freePorts(2);
    const acl: RpcAclJson[] = [{ address: `127.0.0.1:${p1!}`, whitelist: ['GET /network/stat'] }];
    const s = await serve({
      listen: [
        { host: '127.0.0.1', port: p1! },
        { host: '127.0.0.1', port: p2! },
      ],
      acl,
    });
    expect(s.listeners.map((l) => [l.port, l.acl])).toEqual([
      [p1, 'Custom'],
      [p2, 'AllowAll'],
    ]);
    expect((await call(p1!, 'GET', '/network/self')).status).toBe(401);
    expect((await call(p1!, 'GET', '/network/stat')).status).toBe(200);
    expect((await call(p2!, 'GET', '/network/self')).status).toBe(200);
  });

  it('logs the policy of every address at start-up', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const acl: RpcAclJson[] = [{ address: '0.0.0.0', whitelist: ['GET /network/self'] }];
    await serve({
      listen: [
        { host: '127.0.0.1', port: 0 },
        { host: '0.0.0.0', port: 0 },
      ],
      acl,
      logger: pino(sink),
    });
    const started = lines.filter((l) => String(l['msg']).startsWith('starting local RPC server'));
    expect(started.map((l) => [l['host'], l['acl'], l['acl_entry']])).toEqual([
      ['127.0.0.1', 'AllowAll', null],
      ['0.0.0.0', 'Custom', acl[0]],
    ]);
    expect(started[1]!['msg']).toBe('starting local RPC server (acl = Custom)');
  });

  it('refuses a bad rpc.acl before listening anywhere', async () => {
    const [port] = await freePorts(1);
    await expect(
      startRpcServer(node, {
        listen: [{ host: '127.0.0.1', port: port! }],
        acl: [{ address: '127.0.0.1', whitelist: ['GET /network/**/x'] }],
      }),
    ).rejects.toMatchObject({
      name: 'AclError',
      code: 'INVALID_ACL_PATTERN',
      location: { entry: 0, field: 'whitelist[0]' },
    });
    // Nothing was left bound to the port.
    const s = await serve({ listen: [{ host: '127.0.0.1', port: port! }] });
    expect(s.port).toBe(port);
  });
});
