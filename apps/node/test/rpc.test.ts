import { createServer } from 'node:net';
import { generateIdentity } from '@tezos-p2p/crypto';
import { EventBus, type P2pEvent } from '@tezos-p2p/events';
import { ConnectionError } from '@tezos-p2p/connection';
import { DecodeError, EncodeError } from '@tezos-p2p/encoding';
import { P2pError, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { makePoint, peerIdFromBytes } from '@tezos-p2p/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_STREAM_CAPACITY, type NodeP2p, type RpcServer, startRpcServer } from '../src/rpc/index.js';
import { p2pFailure } from '../src/rpc/p2p-errors.js';

// Real nodes on loopback, the RPC server on 127.0.0.1 port 0, requests with fetch. No sleeps: state
// is awaited on the nodes' events, streams are read as they come.

const CHAIN = 'TZP2P_RPC_TEST';
const hosts = new Map<NodeP2p, string>();
const buses = new Map<NodeP2p, EventBus>();
let hostSeq = 0;

/** Each node on its own 127.x.y.z, so banning one node's address touches no other. */
function freshHost(): string {
  hostSeq++;
  return `127.${60 + (process.pid % 120)}.${hostSeq >> 8}.${1 + (hostSeq & 0xff)}`;
}

async function startNode(chain = CHAIN): Promise<NodeP2p> {
  const host = freshHost();
  const identity = await generateIdentity({ difficulty: 0, workers: 0 });
  // Our own bus (the facade keeps its bus private): the stream tests publish on it and count its consumers.
  const bus = new EventBus();
  const n = await createP2p(
    { identity, listenAddr: host, localAddress: host, listeningPort: 0, expectedProofOfWork: 0 },
    { maintenanceIdleTimeMs: null },
    rawMessageParams(chain),
    { bus },
  );
  hosts.set(n, host);
  buses.set(n, bus);
  return n;
}

const busOf = (n: NodeP2p): EventBus => buses.get(n)!;
const pointOf = (n: NodeP2p): string => `${hosts.get(n)!}:${n.listeningPort!}`;
const mapped = (n: NodeP2p): string => `::ffff:${hosts.get(n)!}`;

/** Resolves once `check()` holds, re-checked after each event of `nodes`. */
function until(nodes: readonly NodeP2p[], check: () => boolean, what: string, ms = 20_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const subs = nodes.map((n) => n.events$.subscribe(() => setImmediate(() => check() && done())));
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      subs.forEach((s) => s.unsubscribe());
    };
    const done = () => {
      cleanup();
      resolve();
    };
  });
}

/** Yields to the event loop until `check()` holds, for state no P2P event announces (sockets closing). */
async function settle(check: () => boolean, what: string, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error(`never happened: ${what}`);
}

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly text: string;
  json(): any;
}

let base = '';

async function rpc(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in headers)) (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, json: () => JSON.parse(text) };
}

/** Reads a chunked stream of JSON lines (what Octez's streamed RPCs send) value by value. */
class LineReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffered = '';

  constructor(readonly res: Response) {
    this.reader = res.body!.getReader();
  }

  static async open(path: string): Promise<LineReader> {
    const res = await fetch(base + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    return new LineReader(res);
  }

  /** The next value, or undefined at the end of the stream. */
  async next(): Promise<any> {
    for (;;) {
      const nl = this.buffered.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        return JSON.parse(line);
      }
      const { value, done } = await this.reader.read();
      if (done) return undefined;
      this.buffered += this.decoder.decode(value, { stream: true });
    }
  }

  /** The first value matching `pred` (bounded: a stream that never shows it fails the test). */
  async find(pred: (v: any) => boolean, max = 10_000): Promise<any> {
    for (let i = 0; i < max; i++) {
      const v = await this.next();
      if (v === undefined) throw new Error('stream ended');
      if (pred(v)) return v;
    }
    throw new Error(`no matching value in ${max}`);
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

/** An Octez peer id that no node here has. */
const STRANGER = peerIdFromBytes(new Uint8Array(16).fill(7));
const enc = encodeURIComponent;

let a: NodeP2p;
let b: NodeP2p;
let server: RpcServer;

const idle = (n: NodeP2p, peer: NodeP2p) => (n.peerInfo(peer.peerId)?.state.kind ?? 'Disconnected') === 'Disconnected';

async function ensureDisconnected(): Promise<void> {
  if (a.findConnection(b.peerId))
    expect((await rpc('DELETE', `/network/connections/${b.peerId}?wait`)).status).toBe(200);
  // Also waits out a handshake B may still be finishing after a refusal.
  await until([a, b], () => idle(a, b) && idle(b, a), 'both ends disconnected');
}

async function ensureConnected(): Promise<void> {
  if (a.findConnection(b.peerId)) return;
  // B must have let go of the previous connection, or it refuses the new one as already connected.
  await ensureDisconnected();
  const r = await rpc('PUT', `/network/points/${pointOf(b)}?timeout=5`, {});
  expect(r.status, r.text).toBe(200);
}

beforeAll(async () => {
  [a, b] = await Promise.all([startNode(), startNode()]);
  server = await startRpcServer(a, { listen: [{ host: '127.0.0.1', port: 0 }] });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('global services', () => {
  it('answers self, stat and version as Octez prints them', async () => {
    const self = await rpc('GET', '/network/self');
    expect(self.status).toBe(200);
    expect(self.type).toBe('application/json');
    expect(self.text).toBe(`"${a.peerId}"\n`);

    const stat = (await rpc('GET', '/network/stat')).json();
    expect(Object.keys(stat)).toEqual(['total_sent', 'total_recv', 'current_inflow', 'current_outflow']);
    expect(stat.total_sent).toMatch(/^\d+$/);
    expect(stat.total_recv).toMatch(/^\d+$/);
    expect(Number.isInteger(stat.current_inflow)).toBe(true);

    const version = { chain_name: CHAIN, distributed_db_version: 2, p2p_version: 1 };
    expect((await rpc('GET', '/network/version')).text).toBe(`${JSON.stringify(version)}\n`);
    expect((await rpc('GET', '/network/versions')).json()).toEqual([version]);
  });
});

describe('connections', () => {
  it('connects with PUT, streams it on /network/log and shows it everywhere', async () => {
    await ensureDisconnected();
    const log = await LineReader.open('/network/log');
    try {
      const put = await rpc('PUT', `/network/points/${pointOf(b)}?timeout=5`, {});
      expect(put.status, put.text).toBe(200);
      expect(put.text).toBe('{}\n');
      const established = await log.find((e) => e.event === 'connection_established');
      expect(established).toEqual({
        event: 'connection_established',
        id_point: { addr: mapped(b), port: b.listeningPort },
        peer_id: b.peerId,
      });
    } finally {
      await log.cancel();
    }

    const conns = (await rpc('GET', '/network/connections')).json();
    expect(conns).toHaveLength(1);
    const conn = conns[0];
    expect(Object.keys(conn)).toEqual([
      'incoming',
      'peer_id',
      'id_point',
      'remote_socket_port',
      'announced_version',
      'private',
      'local_metadata',
      'remote_metadata',
    ]);
    expect(conn).toMatchObject({
      incoming: false,
      peer_id: b.peerId,
      id_point: { addr: mapped(b), port: b.listeningPort },
      remote_socket_port: b.listeningPort,
      announced_version: { chain_name: CHAIN, distributed_db_version: 2, p2p_version: 1 },
      private: false,
      local_metadata: { disable_mempool: false, private_node: false },
      remote_metadata: { disable_mempool: false, private_node: false },
    });
    expect((await rpc('GET', `/network/connections/${b.peerId}`)).json()).toEqual(conn);

    const peer = (await rpc('GET', `/network/peers/${b.peerId}`)).json();
    expect(Object.keys(peer).slice(0, 7)).toEqual([
      'score',
      'trusted',
      'conn_metadata',
      'peer_metadata',
      'state',
      'reachable_at',
      'stat',
    ]);
    expect(typeof peer.score).toBe('number');
    expect(peer).toMatchObject({
      trusted: false,
      state: 'running',
      conn_metadata: { disable_mempool: false, private_node: false },
      reachable_at: { addr: mapped(b), port: b.listeningPort },
    });
    expect(peer.stat.total_recv).toMatch(/^\d+$/);
    expect(peer.last_established_connection[0]).toEqual({ addr: mapped(b), port: b.listeningPort });
    expect(peer.last_established_connection[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-00:00$/);

    const point = (await rpc('GET', `/network/points/${pointOf(b)}`)).json();
    expect(point).toMatchObject({
      trusted: false,
      state: { event_kind: 'running', p2p_peer_id: b.peerId },
      p2p_peer_id: b.peerId,
    });

    const full = (await rpc('GET', '/network/full_stat')).json();
    expect(Object.keys(full)).toEqual(['stat', 'incoming_connections', 'outgoing_connections', 'peers', 'points']);
    expect(full.incoming_connections).toEqual([]);
    expect(full.outgoing_connections).toEqual([conn]);
    expect(full.peers.map((p: [string, unknown]) => p[0])).toContain(b.peerId);

    const again = await rpc('PUT', `/network/points/${pointOf(b)}`, {});
    expect(again.status).toBe(500);
    expect(again.text).toBe('[{"kind":"permanent","id":"node.p2p_pool.connected"}]\n');
  });

  it('filters peers and points by state', async () => {
    await ensureConnected();
    const peers = async (q: string) =>
      (await rpc('GET', `/network/peers${q}`)).json().map((p: [string, unknown]) => p[0]);
    const points = async (q: string) =>
      (await rpc('GET', `/network/points${q}`)).json().map((p: [string, unknown]) => p[0]);
    expect(await peers('')).toContain(b.peerId);
    expect(await peers('?filter=running')).toEqual([b.peerId]);
    expect(await peers('?filter=disconnected')).not.toContain(b.peerId);
    expect(await peers('?filter=accepted&filter=running')).toEqual([b.peerId]);
    expect(await points('?filter=running')).toEqual([pointOf(b)]);
    expect(await points('?filter=requested&filter=disconnected')).not.toContain(pointOf(b));
    const bad = await rpc('GET', '/network/points?filter=sleeping');
    expect([bad.status, bad.type, bad.text]).toEqual([
      400,
      'text/plain',
      `Failed to parse the query string: Failed to parse argument 'filter' ("sleeping"): Invalid state: sleeping`,
    ]);
  });

  it('monitors a peer log and closes a connection with DELETE', async () => {
    await ensureConnected();
    const stored = (await rpc('GET', `/network/peers/${b.peerId}/log`)).json();
    expect(stored.at(-1)).toMatchObject({ kind: 'connection_established', addr: mapped(b), port: b.listeningPort });

    const monitor = await LineReader.open(`/network/peers/${b.peerId}/log?monitor`);
    try {
      expect(await monitor.next()).toEqual(stored);
      const del = await rpc('DELETE', `/network/connections/${b.peerId}?wait=true`);
      expect(del.status).toBe(200);
      expect(del.text).toBe('{}\n');
      const next = await monitor.next();
      expect(next).toHaveLength(1);
      expect(next[0]).toMatchObject({
        kind: expect.stringMatching(/disconnection$/),
        addr: mapped(b),
        port: b.listeningPort,
      });
    } finally {
      await monitor.cancel();
    }
    expect((await rpc('GET', `/network/connections/${b.peerId}`)).status).toBe(404);
    // Not connected: nothing to do, still {}.
    expect((await rpc('DELETE', `/network/connections/${b.peerId}`)).text).toBe('{}\n');
    // Octez's point-event encoding prints Disconnection as "rejecting_request".
    const pointLog = (await rpc('GET', `/network/points/${pointOf(b)}/log`)).json();
    expect(pointLog.at(-1)[1]).toEqual({ event_kind: 'rejecting_request', p2p_peer_id: b.peerId });
    expect((await rpc('GET', `/network/peers/${b.peerId}`)).json()).toMatchObject({
      state: 'disconnected',
      stat: { total_sent: '0', total_recv: '0', current_inflow: 0, current_outflow: 0 },
    });
  });

  it('maps a refused TCP connection to node.p2p_pool.connection_failed', async () => {
    const s = createServer();
    const port = await new Promise<number>((resolve) =>
      s.listen(0, hosts.get(b), () => resolve((s.address() as { port: number }).port)),
    );
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const r = await rpc('PUT', `/network/points/${hosts.get(b)!}:${port}?timeout=5`, {});
    expect(r.status).toBe(500);
    expect(r.json()).toEqual([{ kind: 'permanent', id: 'node.p2p_pool.connection_failed' }]);
  });
});

describe('ACL', () => {
  it('bans, trusts and reopens a peer with PATCH', async () => {
    await ensureConnected();
    const ban = await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'ban' });
    expect(ban.status).toBe(200);
    // Answered once the connection is closed, as Octez's `Peers.ban`.
    expect(ban.json()).toMatchObject({ trusted: false, state: 'disconnected' });
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('true\n');
    expect((await rpc('GET', '/network/connections')).json()).toEqual([]);

    await until([a, b], () => b.findConnection(a.peerId) === undefined, 'B to notice');
    const refused = await rpc('PUT', `/network/points/${pointOf(b)}?timeout=5`, {});
    expect(refused.status).toBe(500);
    expect(refused.json()).toEqual([{ kind: 'permanent', id: 'node.p2p_pool.peer_banned', peer: b.peerId }]);

    expect((await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'open' })).json()).toMatchObject({
      trusted: false,
    });
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('false\n');
    a.peers.ban(b.peerId);
    // Trust lifts the ban, and a trusted peer is never reported banned.
    expect((await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'trust' })).json()).toMatchObject({
      trusted: true,
    });
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('false\n');
    expect((await rpc('PATCH', `/network/peers/${b.peerId}`, {})).json()).toMatchObject({ trusted: true });
    expect((await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'open' })).json()).toMatchObject({
      trusted: false,
    });

    const bad = await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'maybe' });
    expect([bad.status, bad.type]).toEqual([400, 'text/plain']);
    expect(bad.text).toMatch(/^Failed to parse the request body: .*acl/);
    const extra = await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'open', color: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.text).toMatch(/^Failed to parse the request body: .*color/);
  });

  it('no longer serves the GET ban / unban / trust / untrust services, as Octez since v20', async () => {
    // Removed from Octez by 99254884c7 (v20.0): a GET must not change permissions.
    const point = '127.9.9.9:9732';
    for (const action of ['ban', 'unban', 'trust', 'untrust']) {
      for (const path of [`/network/peers/${b.peerId}/${action}`, `/network/points/${point}/${action}`]) {
        const r = await rpc('GET', path);
        expect([r.status, r.text], path).toEqual([404, '']);
      }
    }
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('false\n');
    expect((await rpc('GET', `/network/points/${point}/banned`)).text).toBe('false\n');
  });

  it("refuses to connect to a banned point with Octez's error", async () => {
    await ensureConnected();
    const ban = await rpc('PATCH', `/network/points/${pointOf(b)}`, { acl: 'ban' });
    expect(ban.status).toBe(200);
    expect(ban.json()).toMatchObject({ trusted: false, state: { event_kind: 'disconnected' } });
    expect((await rpc('GET', `/network/points/${pointOf(b)}/banned`)).text).toBe('true\n');
    // The port is ignored: the address is banned.
    expect((await rpc('GET', `/network/points/${hosts.get(b)!}:1/banned`)).text).toBe('true\n');

    const r = await rpc('PUT', `/network/points/${pointOf(b)}`, {});
    expect(r.status).toBe(500);
    expect(r.type).toBe('application/json');
    expect(r.text).toBe(`[{"kind":"permanent","id":"node.p2p_pool.point_banned","point":"${pointOf(b)}"}]\n`);

    expect((await rpc('PATCH', `/network/points/${pointOf(b)}`, { acl: 'open' })).status).toBe(200);
    expect((await rpc('GET', `/network/points/${pointOf(b)}/banned`)).text).toBe('false\n');
    // Banning the point also banned the peer connected from it; clear the ACL for the next tests.
    expect((await rpc('DELETE', '/network/greylist')).text).toBe('{}\n');
  });

  it('sets the expected peer id of a point, which then refuses another peer', async () => {
    await ensureDisconnected();
    const patched = (await rpc('PATCH', `/network/points/${pointOf(b)}`, { peer_id: STRANGER })).json();
    expect(patched.expected_peer_id).toBe(STRANGER);
    const r = await rpc('PUT', `/network/points/${pointOf(b)}?timeout=5`, {});
    expect(r.status).toBe(500);
    expect(r.json()).toEqual([
      {
        kind: 'permanent',
        id: 'node.p2p_connect_handler.identity_check_failure',
        point: pointOf(b),
        expected_peer_id: STRANGER,
        received_peer_id: b.peerId,
      },
    ]);
    expect((await rpc('PATCH', `/network/points/${pointOf(b)}`, { peer_id: b.peerId })).json().expected_peer_id).toBe(
      b.peerId,
    );
    await until([a, b], () => b.findConnection(a.peerId) === undefined, 'B to drop the refused connection');
  });

  it('lists and clears the greylists (and the blacklists)', async () => {
    await rpc('DELETE', '/network/greylist');
    await ensureConnected();
    a.greylistAddr('192.0.2.7');
    // `greylist_peer` acts on a running peer only: its address and its id.
    a.greylistPeer(b.peerId);
    a.peers.ban(b.peerId);
    expect((await rpc('GET', '/network/greylist/ips')).text).toBe(
      `{"ips":["::ffff:192.0.2.7","${mapped(b)}"],"not_reliable_since":null}\n`,
    );
    expect((await rpc('GET', '/network/greylist/peers')).json()).toEqual([b.peerId]);
    expect((await rpc('GET', '/network/points/192.0.2.7:9732/banned')).text).toBe('true\n');
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('true\n');

    const del = await rpc('DELETE', '/network/greylist');
    expect(del.status).toBe(200);
    expect(del.text).toBe('{}\n');
    expect((await rpc('GET', '/network/greylist/ips')).json()).toEqual({ ips: [], not_reliable_since: null });
    expect((await rpc('GET', '/network/greylist/peers')).json()).toEqual([]);
    expect((await rpc('GET', '/network/points/192.0.2.7:9732/banned')).text).toBe('false\n');
    expect((await rpc('GET', `/network/peers/${b.peerId}/banned`)).text).toBe('false\n');
  });
});

describe('bad requests', () => {
  it('answers 404 with no body for unknown peers, points and paths', async () => {
    for (const [method, path] of [
      ['GET', `/network/peers/${STRANGER}`],
      ['PATCH', `/network/peers/${STRANGER}`],
      ['GET', `/network/connections/${STRANGER}`],
      ['GET', '/network/points/203.0.113.5:9732'],
      ['GET', `/network/points/${enc('[2001:db8::1]:9732')}`],
      ['GET', `/network/points/${enc(`203.0.113.5:9732#${STRANGER}`)}`],
      ['GET', '/network/nowhere'],
    ] as const) {
      const r = await rpc(method, path, method === 'PATCH' ? {} : undefined);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.text).toBe('');
    }
    // Logs of unknown peers and points are empty, not missing.
    expect((await rpc('GET', `/network/peers/${STRANGER}/log`)).text).toBe('[]\n');
    expect((await rpc('GET', '/network/points/203.0.113.5:9732/log?monitor')).text).toBe('[]\n');
    expect((await rpc('GET', `/network/peers/${STRANGER}/banned`)).text).toBe('false\n');
  });

  it("answers malformed input with resto's 400 explanations in text/plain", async () => {
    const badId = `${STRANGER.slice(0, -1)}${STRANGER.endsWith('z') ? 'y' : 'z'}`;
    const path = (context: string, reason: string, type: string) =>
      `Failed to parsed an argument in path. After "${context}", the value "${reason}" is not acceptable for type "${type}"`;
    const query = (message: string) => `Failed to parse the query string: ${message}`;
    const cases: [string, string, unknown, string | RegExp][] = [
      [
        'GET',
        '/network/points/not_a_point',
        undefined,
        path(
          'network/points/not_a_point',
          "Parsing of 'not_a_point' failed: expected <addr>[:<port>][#<peer_id>].\n",
          'point',
        ),
      ],
      [
        'GET',
        '/network/points/192.0.2.1',
        undefined,
        path('network/points/192.0.2.1', 'P2p_point.of_string_exn: no port', 'point'),
      ],
      [
        'GET',
        '/network/points/192.0.2.1:99999/log',
        undefined,
        path(
          'network/points/192.0.2.1:99999',
          "Parsing of '192.0.2.1:99999' failed: port '99999' not in range [0-65535].\n",
          'point',
        ),
      ],
      [
        'GET',
        `/network/points/${enc('[::1:9732')}/banned`,
        undefined,
        path(
          'network/points/[::1:9732',
          "Parsing of '[::1:9732' failed: expected <addr>[:<port>][#<peer_id>].\n",
          'point',
        ),
      ],
      [
        'PUT',
        `/network/points/example.com:9732`,
        {},
        path('network/points/example.com:9732', 'P2p_point.of_string', 'point'),
      ],
      [
        'GET',
        '/network/peers/idNotAPeerId',
        undefined,
        path(
          'network/peers/idNotAPeerId',
          'failed to decode Base58Check-encoded data (Crypto_box.Public_key_hash): "idNotAPeerId"',
          'peer_id',
        ),
      ],
      [
        'DELETE',
        `/network/connections/${badId}`,
        undefined,
        path(
          `network/connections/${badId}`,
          `failed to decode Base58Check-encoded data (Crypto_box.Public_key_hash): "${badId}"`,
          'peer_id',
        ),
      ],
      [
        'PUT',
        `/network/points/${pointOf(b)}?timeout=soon`,
        {},
        query(`Failed to parse argument 'timeout' ("soon"): failed to parse timespan: "soon"`),
      ],
      [
        'PUT',
        `/network/points/${pointOf(b)}?timeout=-1`,
        {},
        query(`Failed to parse argument 'timeout' ("-1"): failed to parse timespan: "-1"`),
      ],
      [
        'PUT',
        `/network/points/${pointOf(b)}?timeout=1&timeout=2`,
        {},
        query(`Duplicate argument 'timeout' in query string.`),
      ],
      [
        'DELETE',
        `/network/connections/${STRANGER}?wait=perhaps`,
        undefined,
        query(`Failed to parse argument 'wait' ("perhaps"): Cannot parse boolean value`),
      ],
      [
        'GET',
        `/network/peers/${STRANGER}/log?monitor=2`,
        undefined,
        query(`Failed to parse argument 'monitor' ("2"): Cannot parse boolean value`),
      ],
      ['PUT', `/network/points/${pointOf(b)}`, '{"not json', /^Failed to parse the request body: invalid JSON: /],
      ['PUT', `/network/points/${pointOf(b)}`, [], /^Failed to parse the request body: expected a JSON object/],
      [
        'PATCH',
        `/network/points/${pointOf(b)}`,
        { peer_id: 'nobody' },
        /^Failed to parse the request body: at \/peer_id, /,
      ],
    ];
    for (const [method, path, body, expected] of cases) {
      const r = await rpc(method, path, body);
      expect([r.status, r.type], `${method} ${path}`).toEqual([400, 'text/plain']);
      if (typeof expected === 'string') expect(r.text, `${method} ${path}`).toBe(expected);
      else expect(r.text, `${method} ${path}`).toMatch(expected);
      expect(r.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    const media = await rpc('PUT', `/network/points/${pointOf(b)}`, '{}', { 'content-type': 'text/plain' });
    // Resto's `Unsupported_media_type`: no body.
    expect([media.status, media.text]).toEqual([415, '']);
    const huge = await rpc('PATCH', `/network/peers/${b.peerId}`, { acl: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    // An empty body and no content type are accepted as Octez's default JSON `{}`.
    expect((await rpc('PATCH', `/network/peers/${b.peerId}`, '', { 'content-type': 'application/json' })).status).toBe(
      200,
    );
    const badUrl = await rpc('GET', '/network/points/%ZZ');
    expect(badUrl.status).toBe(400);
    expect(badUrl.json()[0]).toMatchObject({ id: 'tzp2p.rpc.invalid_request' });
    // Resto's answers to methods a path does not have.
    const post = await fetch(`${base}/network/points/${pointOf(b)}`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, PUT, PATCH']);
    expect((await fetch(`${base}/network/self`, { method: 'HEAD' })).status).toBe(501);
    // The server is still up.
    expect((await rpc('GET', '/network/self')).status).toBe(200);
  });
});

describe('streams', () => {
  it('cuts a /network/log client that stops reading, and the node carries on', async () => {
    const consumers = busOf(a).consumerCount;
    const subscribers = busOf(a).subscriberCount;
    const res = await fetch(`${base}/network/log`);
    expect(res.status).toBe(200);
    expect(busOf(a).consumerCount).toBe(consumers + 1);

    // The client reads nothing while the node is busy: once the socket buffers are full the
    // stream's consumer fills up and overflows. Batches stay under the capacity, so a client that
    // kept up would never be cut.
    const batch = LOG_STREAM_CAPACITY / 4;
    const event: P2pEvent = { kind: 'Advertise_received', source: b.peerId };
    let published = 0;
    for (let i = 0; i < 20_000 && busOf(a).consumerCount > consumers; i++) {
      for (let j = 0; j < batch; j++) busOf(a).publish(event);
      published += batch;
      await new Promise((r) => setImmediate(r));
    }
    expect(busOf(a).consumerCount, `still subscribed after ${published} events`).toBe(consumers);

    // What was already sent arrives, then the stream breaks off rather than ending as if complete.
    const reader = new LineReader(res);
    let received = 0;
    const outcome = await (async () => {
      try {
        for (let v = await reader.next(); v !== undefined; v = await reader.next()) {
          expect(v).toEqual({ event: 'advertise_received', source: b.peerId });
          received++;
        }
        return 'ended';
      } catch {
        return 'cut';
      }
    })();
    expect(outcome).toBe('cut');
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(published);
    await settle(() => busOf(a).subscriberCount === subscribers, 'the stream to let go of the bus');

    // The node and its RPC server carry on; a client that reads is served.
    expect((await rpc('GET', '/network/self')).status).toBe(200);
    const log = await LineReader.open('/network/log');
    try {
      busOf(a).publish({ kind: 'Swap_success', source: b.peerId });
      expect(await log.next()).toEqual({ event: 'swap_success', source: b.peerId });
      // The two events Octez cannot encode are skipped.
      busOf(a).publish({ kind: 'Maintenance_started' });
      busOf(a).publish({ kind: 'Gc_points' });
      expect(await log.next()).toEqual({ event: 'gc_points' });
    } finally {
      await log.cancel();
    }
    await settle(() => busOf(a).consumerCount === consumers, 'the closed stream to release its consumer');
  });

  it('refuses streams beyond maxStreams with 503, and takes them again once one closes', async () => {
    const consumers = busOf(a).consumerCount;
    const own = await startRpcServer(a, { listen: [{ host: '127.0.0.1', port: 0 }], maxStreams: 2 });
    const ownBase = `http://127.0.0.1:${own.port}`;
    try {
      const first = new LineReader(await fetch(`${ownBase}/network/log`));
      const second = new LineReader(await fetch(`${ownBase}/network/log`));
      const refused = await fetch(`${ownBase}/network/log`);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual([
        { kind: 'temporary', id: 'tzp2p.rpc.too_many_streams', max: 2, msg: expect.any(String) },
      ]);
      // Ordinary requests are not streams and are still served.
      expect((await fetch(`${ownBase}/network/self`)).status).toBe(200);
      await first.cancel();
      // The server learns of the cancel when the socket closes: retry briefly (bounded).
      let reopened = false;
      for (let i = 0; i < 200 && !reopened; i++) {
        const again = await fetch(`${ownBase}/network/log`);
        reopened = again.status === 200;
        if (reopened) await new LineReader(again).cancel();
        else {
          expect(again.status).toBe(503);
          await again.text();
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      expect(reopened).toBe(true);
      await second.cancel();
    } finally {
      await own.close();
    }
    await settle(() => busOf(a).consumerCount === consumers, 'the streams to release their consumers');
  });

  it('reports a port it cannot listen on', async () => {
    await expect(startRpcServer(a, { listen: [{ host: '127.0.0.1', port: server.port }] })).rejects.toMatchObject({
      name: 'RpcServerError',
      code: 'RPC_LISTEN_FAILED',
    });
  });

  it('monitors a point log, and close() ends every open stream', async () => {
    await ensureDisconnected();
    const consumers = busOf(a).consumerCount;
    const subscribers = busOf(a).subscriberCount;
    const own = await startRpcServer(a, { listen: [{ host: '127.0.0.1', port: 0 }] });
    const ownBase = `http://127.0.0.1:${own.port}`;
    const open = async (path: string) => {
      const res = await fetch(ownBase + path);
      expect(res.status).toBe(200);
      return new LineReader(res);
    };
    const log = await open('/network/log');
    const monitor = await open(`/network/points/${pointOf(b)}/log?monitor`);
    const stored = await monitor.next();
    expect(Array.isArray(stored)).toBe(true);

    await ensureConnected();
    const fresh = await monitor.find((v) => v[0][1].event_kind === 'accepting_request');
    expect(fresh).toEqual([
      [expect.stringMatching(/-00:00$/), { event_kind: 'accepting_request', p2p_peer_id: b.peerId }],
    ]);
    expect(busOf(a).consumerCount).toBe(consumers + 1);

    await own.close();
    const drained = async (r: LineReader) => {
      try {
        while ((await r.next()) !== undefined);
      } catch {
        // cut: fine too
      }
    };
    await Promise.all([drained(log), drained(monitor)]);
    await settle(
      () => busOf(a).consumerCount === consumers && busOf(a).subscriberCount === subscribers,
      'streams to release the bus',
    );
    await own.close();
  });
});

describe('P2P error traces (p2p_errors.ml, data_encoding_wrapper.ml, error_monad.ml)', () => {
  const noExpected = { expectedPeerId: () => undefined };
  const traceOf = (e: P2pError) => {
    const r = p2pFailure(e, noExpected);
    expect(r.status).toBe(500);
    return r.body.kind === 'trace' ? r.body.trace : undefined;
  };
  const point = makePoint('192.0.2.7', 9732);

  it('prints the registered id, kind and fields of each error', () => {
    expect(
      traceOf(new P2pError('REJECTED', 'x', { point, peerId: STRANGER, motive: { kind: 'Too_many_connections' } })),
    ).toEqual([{ kind: 'permanent', id: 'node.p2p_pool.rejected', peer_id: STRANGER, motive: 1 }]);
    expect(
      traceOf(
        new P2pError('REJECTED_BY_NACK', 'x', {
          motive: { kind: 'Already_connected' },
          alternativePoints: [point, makePoint('2001:db8::1', 1)],
        }),
      ),
    ).toEqual([
      {
        kind: 'permanent',
        id: 'node.p2p_socket.rejected_by_nack',
        motive: 5,
        alternative_points: ['192.0.2.7:9732', '[2001:db8::1]:1'],
      },
    ]);
    expect(traceOf(new P2pError('NOT_ENOUGH_PROOF_OF_WORK', 'x', { peerId: STRANGER }))).toEqual([
      { kind: 'permanent', id: 'node.p2p_socket.not_enough_proof_of_work', peer_id: STRANGER },
    ]);
    const myself = new ConnectionError('MYSELF', 'x', { idPoint: { ip: '192.0.2.7', port: undefined } });
    expect(traceOf(P2pError.from(myself, point))).toEqual([
      { kind: 'permanent', id: 'node.p2p_socket.myself', connection_id: { addr: '::ffff:192.0.2.7' } },
    ]);
    expect(traceOf(new P2pError('TOO_MANY_CONNECTIONS', 'x'))).toEqual([
      { kind: 'permanent', id: 'node.p2p_pool.too_many_connections' },
    ]);
    expect(traceOf(new P2pError('P2P_SHUT_DOWN', 'x'))).toEqual([{ kind: 'permanent', id: 'node.p2p_pool.disabled' }]);
    expect(traceOf(new P2pError('MESSAGE_TOO_LARGE', 'x'))).toEqual([
      { kind: 'permanent', id: 'node.p2p_socket.invalid_message_size' },
    ]);
    expect(traceOf(new P2pError('TIMEOUT', 'x'))).toEqual([{ kind: 'temporary', id: 'utils.Timeout' }]);
    expect(traceOf(new P2pError('CANCELED', 'x'))).toEqual([{ kind: 'temporary', id: 'canceled' }]);
  });

  it('reports bytes that do not decode or encode as decoding_error / encoding_error with their read or write error', () => {
    const decoding = (cause: unknown) =>
      P2pError.from(new ConnectionError('DECODING_ERROR', 'incoming message', { cause }), point);
    // Payload-less cases of Binary.read_error print as {} in JSON.
    expect(traceOf(decoding(new DecodeError('NOT_ENOUGH_DATA', 3, 'short')))).toEqual([
      { kind: 'permanent', id: 'decoding_error', error: {} },
    ]);
    expect(traceOf(decoding(new DecodeError('EXTRA_BYTES', 3, 'long')))).toEqual([
      { kind: 'permanent', id: 'decoding_error', error: {} },
    ]);
    // Others take the union's string case, which every Octez client decodes.
    const utf8 = new DecodeError('INVALID_UTF8', 0, 'bad byte');
    expect(traceOf(decoding(utf8))).toEqual([{ kind: 'permanent', id: 'decoding_error', error: utf8.message }]);
    expect(traceOf(new P2pError('DECODING_ERROR', 'negative size'))).toEqual([
      { kind: 'permanent', id: 'decoding_error', error: 'negative size' },
    ]);
    const encoding = (cause: unknown) =>
      P2pError.from(new ConnectionError('ENCODING_ERROR', 'cannot encode', { cause }));
    expect(traceOf(encoding(new EncodeError('SIZE_LIMIT_EXCEEDED', 'too big')))).toEqual([
      { kind: 'permanent', id: 'encoding_error', error: {} },
    ]);
    const range = new EncodeError('INT_OUT_OF_RANGE', 'int16: 70000');
    expect(traceOf(encoding(range))).toEqual([{ kind: 'permanent', id: 'encoding_error', error: range.message }]);
  });

  it('rejected_no_common_protocol carries the version the peer announced, over real sockets', async () => {
    const other = await startNode('TZP2P_OTHER_CHAIN');
    try {
      const r = await rpc('PUT', `/network/points/${pointOf(other)}?timeout=5`, {});
      expect(r.status).toBe(500);
      expect(JSON.parse(r.text)).toEqual([
        {
          kind: 'permanent',
          id: 'node.p2p_socket.rejected_no_common_protocol',
          announced_version: { chain_name: 'TZP2P_OTHER_CHAIN', distributed_db_version: 2, p2p_version: 1 },
        },
      ]);
    } finally {
      await other.stop();
    }
  });

  it('answers anything else as an internal failure, without details: errors of our own API too, which Octez has no error for', () => {
    for (const e of [
      new Error('boom'),
      P2pError.from(new ConnectionError('RECEIVER_CONFLICT', 'two consumers')),
      P2pError.from(new ConnectionError('MESSAGE_HANDLER_FAILED', 'handler threw')),
    ]) {
      const r = p2pFailure(e, noExpected);
      expect([r.status, r.body]).toEqual([
        500,
        { kind: 'trace', trace: [{ kind: 'temporary', id: 'failure', msg: 'internal error' }] },
      ]);
    }
  });
});
