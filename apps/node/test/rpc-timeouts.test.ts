import { type Server, type Socket, connect, createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeP2p, type RpcLimits, type RpcServer, startRpcServer } from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// Real sockets on loopback against an RPC server whose timeouts are scaled down: every way of
// holding a socket without completing a request is cut by the server, while a handler that waits on
// the P2P layer and a silent stream outlive every timeout. Each wait is bounded.

const LIMITS: Partial<RpcLimits> = {
  headersTimeoutMs: 600,
  requestTimeoutMs: 1_200,
  keepAliveTimeoutMs: 400,
  idleTimeoutMs: 800,
  maxConnectionsPerAddress: 4,
};
/** Slack for Node's expiry check (every 150 ms here) and a loaded machine; only an upper bound. */
const MARGIN_MS = 4_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let a: NodeP2p;
let b: NodeP2p;
let server: RpcServer;
let base = '';
const logs: { level: number; msg: string }[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([loopbackNode(testHost(51)), loopbackNode(testHost(52))]);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''))
        logs.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  server = await startRpcServer(a, {
    listen: [{ host: '127.0.0.1', port: 0 }],
    limits: LIMITS,
    logger: pino({ level: 'debug' }, sink),
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  expect(logs.filter((l) => l.level >= 50)).toEqual([]);
});

/** A raw client socket: what it received, and who closed it, when. */
interface Raw {
  readonly socket: Socket;
  received: string;
  /** Resolves when the socket is gone: `byServer` unless `kill` closed it. */
  readonly ended: Promise<{ byServer: boolean; ms: number }>;
  kill(): void;
}

async function open(from: string): Promise<Raw> {
  const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: from });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const t0 = performance.now();
  let byUs = false;
  const raw: Raw = {
    socket,
    received: '',
    ended: new Promise((resolve) => {
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ byServer: !byUs, ms: performance.now() - t0 }));
    }),
    kill: () => {
      byUs = true;
      socket.destroy();
    },
  };
  socket.on('data', (d: Buffer) => (raw.received += d.toString('latin1')));
  return raw;
}

/** Writes `text` one byte every `everyMs` until the socket is gone or `maxMs` has passed. */
async function trickle(raw: Raw, text: string, everyMs: number, maxMs: number): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; !raw.socket.destroyed && performance.now() - t0 < maxMs; i = (i + 1) % text.length) {
    raw.socket.write(text[i]!);
    await sleep(everyMs);
  }
}

/** Who closed `raw`, within `maxMs` (else the test destroys it and reports it). */
async function endOf(raw: Raw, maxMs: number): Promise<{ byServer: boolean; ms: number }> {
  const timer = setTimeout(() => raw.kill(), maxMs);
  try {
    return await raw.ended;
  } finally {
    clearTimeout(timer);
  }
}

describe('timeouts', () => {
  it('closes a socket that sends nothing after the headers timeout', async () => {
    const raw = await open(testHost(61));
    const end = await endOf(raw, LIMITS.headersTimeoutMs! + MARGIN_MS);
    expect(end.byServer).toBe(true);
    expect(end.ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs! - 50);
  });

  it('closes a socket whose headers trickle in (never idle) after the headers timeout, with 408', async () => {
    const raw = await open(testHost(62));
    raw.socket.write('GET /network/self HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    void trickle(raw, 'abcdefgh', 100, LIMITS.requestTimeoutMs! + MARGIN_MS);
    const end = await endOf(raw, LIMITS.headersTimeoutMs! + MARGIN_MS);
    expect(end.byServer).toBe(true);
    expect(end.ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs! - 50);
    expect(raw.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a request whose body trickles in (never idle) after the request timeout, with 408', async () => {
    const raw = await open(testHost(63));
    raw.socket.write(
      `PATCH /network/peers/${b.peerId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    void trickle(raw, ' ', 100, LIMITS.requestTimeoutMs! + MARGIN_MS);
    const end = await endOf(raw, LIMITS.requestTimeoutMs! + MARGIN_MS);
    expect(end.byServer).toBe(true);
    expect(end.ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs! - 50);
    expect(raw.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a request whose body stops coming after the idle timeout, without an answer', async () => {
    const raw = await open(testHost(66));
    raw.socket.write(
      `PATCH /network/peers/${b.peerId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"acl"`,
    );
    const end = await endOf(raw, LIMITS.requestTimeoutMs! + MARGIN_MS);
    expect(end.byServer).toBe(true);
    expect(end.ms).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs! - 50);
    // Destroyed by the idle timer; the request timeout would have answered 408.
    expect(raw.received).toBe('');
  });

  // Node closes the idle socket 1 s after the keep-alive timeout it announces, so that a client's
  // request racing the announced deadline still finds the socket open.
  it('answers a keep-alive request, then closes the idle connection after the keep-alive timeout', async () => {
    const raw = await open(testHost(64));
    raw.socket.write('GET /network/self HTTP/1.1\r\nHost: x\r\n\r\n');
    const end = await endOf(raw, LIMITS.keepAliveTimeoutMs! + 1_000 + MARGIN_MS);
    expect(end.byServer).toBe(true);
    expect(raw.received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.received).toContain(`"${a.peerId}"\n`);
    expect(raw.received).toMatch(/keep-alive/i);
  });

  it('lets a handler wait on the P2P layer beyond the idle and request timeouts', async () => {
    // A point that accepts and never says a word: the connection attempt runs to its own deadline.
    const mute: Server = createServer((s) => s.on('error', () => undefined));
    const held: Socket[] = [];
    mute.on('connection', (s) => held.push(s));
    const port = await new Promise<number>((resolve) =>
      mute.listen(0, testHost(53), () => resolve((mute.address() as { port: number }).port)),
    );
    try {
      const seconds = (2 * LIMITS.requestTimeoutMs!) / 1000;
      const t0 = performance.now();
      const res = await fetch(`${base}/network/points/${testHost(53)}:${port}?timeout=${seconds}`, {
        method: 'PUT',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(seconds * 1000 - 50);
      expect(res.status).toBe(500);
      // The connection attempt's own deadline: Octez's `utils.Timeout`, not a cut socket.
      expect(await res.json()).toEqual([{ kind: 'temporary', id: 'utils.Timeout' }]);
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise<void>((r) => mute.close(() => r()));
    }
  });

  it('keeps a silent /network/log stream open past every timeout', async () => {
    const res = await fetch(`${base}/network/log`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    try {
      await sleep(2 * LIMITS.requestTimeoutMs! + LIMITS.idleTimeoutMs!);
      await b.connect({ ip: testHost(51), port: a.listeningPort! });
      let text = '';
      while (!text.includes('connection_established')) {
        const { value, done } = await reader.read();
        expect(done).toBe(false);
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(b.peerId);
    } finally {
      await reader.cancel();
    }
  });
});

describe('per-address cap', () => {
  it('resets connections from an address over its cap at once while another address is served, with one warning', async () => {
    const from = testHost(65);
    const warnings = () =>
      logs.filter((l) => l.level === 40 && l.msg.startsWith('RPC per-address connection cap reached')).length;
    const before = warnings();
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnectionsPerAddress! }, () => open(from)));
    const refused = await Promise.all(Array.from({ length: 3 }, () => open(from)));
    for (const r of refused) {
      const end = await endOf(r, MARGIN_MS);
      expect(end.byServer).toBe(true);
      // Reset before any byte was sent: no answer, no 408.
      expect(r.received).toBe('');
    }
    expect((await fetch(`${base}/network/self`)).status).toBe(200);
    expect(server.connections()).toMatchObject({ perAddressCap: 4 });
    expect(server.connections().refused).toBeGreaterThanOrEqual(3);
    expect(warnings() - before).toBe(1);
    held.forEach((r) => r.kill());
    await Promise.all(held.map((r) => r.ended));
    // The server sees the closes on its own turn of the loop.
    const over = () =>
      logs.some(
        (l) => l.level === 30 && l.msg.startsWith('RPC per-address connection cap burst over: 3 connections refused'),
      );
    for (let i = 0; i < 100 && !over(); i++) await sleep(20);
    expect(over()).toBe(true);
  });
});
