import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeP2p, type RpcLimits, type RpcServer, p2pDescriptorNeeds, startRpcServer } from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';

// The attack, scaled to a test: thousands of sockets that send a request's headers and then
// one body byte now and then, from a child process (so that this process's descriptors are the
// server's), against a node whose RPC timeouts are scaled down. Meanwhile a second P2P layer keeps
// handshaking with the node, and GET /network/self is asked from another address. Every loop here
// is bounded in count and time; the child stops by itself.

const REQUEST_TIMEOUT_MS = 2_000;
const LIMITS: Partial<RpcLimits> = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  // /network/self's keep-alive socket is gone soon after each wave.
  keepAliveTimeoutMs: 200,
  maxConnectionsPerAddress: 250,
  // The descriptor budget below is what caps the total.
  maxConnections: 100_000,
};
/** RPC sockets the descriptor budget allows (the limit given to the server is derived from it). */
const BUDGET = 2_000;
/** Slack for Node's expiry check (every 250 ms here) and a loaded machine; only an upper bound. */
const MARGIN_MS = 5_000;
/** The attacker's byte interval: the sockets are never idle, only slow. */
const TRICKLE_MS = 700;
/** Descriptors this process opens besides RPC sockets after the server started: P2P connections, fetch's sockets. */
const TEST_SLACK = 32;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fdCount = () => readdirSync('/proc/self/fd').length;

/**
 * The attacker, plain CommonJS run with `node -e`: opens `count` sockets from each source, sends
 * `head` on each, then a space on every live socket every `intervalMs`; reports each socket's fate
 * once all are closed: "closed" by the server with nothing or a 408, "answered" otherwise, or "held"
 * when still open after `maxMs` (then destroyed).
 */
const ATTACKER = String.raw`
const net = require('node:net');
process.once('message', async (job) => {
  const hardStop = setTimeout(() => process.exit(3), job.maxMs + 10000);
  const live = new Set();
  const results = [];
  let left = 0;
  const tick = setInterval(() => { for (const s of live) if (s.sent) s.socket.write(' '); }, job.intervalMs);
  const deadline = setTimeout(() => { for (const s of live) { s.killed = true; s.socket.destroy(); } }, job.maxMs);
  const finish = () => {
    clearInterval(tick);
    clearTimeout(deadline);
    process.send({ results }, () => { clearTimeout(hardStop); process.exit(0); });
  };
  const total = job.sources.reduce((n, [, c]) => n + c, 0);
  left = total;
  let opened = 0;
  for (const [source, count] of job.sources) {
    for (let i = 0; i < count; i++) {
      const createdAt = Date.now();
      const socket = net.connect({ host: job.host, port: job.port, localAddress: source });
      const s = { socket, source, sent: false, killed: false, received: '', error: '', connectedAt: 0 };
      live.add(s);
      socket.on('connect', () => { s.connectedAt = Date.now(); socket.write(job.head, () => { s.sent = true; }); });
      socket.on('data', (d) => { if (s.received.length < 64) s.received += d.toString('latin1'); });
      socket.on('error', (e) => { s.error = e.code || e.message; });
      socket.on('close', () => {
        live.delete(s);
        // What the server sent before closing (a 408 may be lost: closing on unread bytes resets).
        const fate = s.killed ? 'held' : s.received === '' ? 'closed' : s.received.startsWith('HTTP/1.1 408 ') ? 'closed' : 'answered ' + JSON.stringify(s.received.slice(0, 20));
        // From before the connect: this process's own delays can only lengthen it.
        results.push([source, fate, Date.now() - createdAt]);
        if (--left === 0) finish();
      });
      // Paced well within the server's accept backlog (511): an overflow would delay connects by the
      // SYN retransmission time (1 s, 3 s …), past the first sockets' timeout.
      if (++opened % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
  }
});
`;

type Fate = [source: string, fate: string, lifetimeMs: number];

/** Runs one wave of the attacker; resolves with every socket's fate. */
function attack(sources: [string, number][], maxMs: number): Promise<Fate[]> {
  const child = spawn(process.execPath, ['-e', ATTACKER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const done = new Promise<Fate[]>((resolve, reject) => {
    child.on('message', (m: { type: string; results: Fate[] }) => resolve(m.results));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`attacker exited with ${code}`))));
  });
  // Under the body limit (64 KiB), or the request would be refused with 413 at once.
  const head = `PATCH /network/peers/${b.peerId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n`;
  child.send({ host: '127.0.0.1', port: server.port, sources, head, intervalMs: TRICKLE_MS, maxMs });
  return done;
}

const children = new Set<ChildProcess>();
let a: NodeP2p;
let b: NodeP2p;
let server: RpcServer;
let descriptorLimit = 0;
let reserve = 0;
const logs: { level: number; msg: string }[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([loopbackNode(testHost(71)), loopbackNode(testHost(72))]);
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
  // A limit far below this process's real one, so that the budget (not the real limit) is what binds.
  reserve = p2pDescriptorNeeds(a.limits);
  descriptorLimit = fdCount() + reserve + BUDGET;
  server = await startRpcServer(a, {
    listen: [{ host: '127.0.0.1', port: 0 }],
    limits: LIMITS,
    descriptorLimit,
    logger: pino({ level: 'info' }, sink),
  });
});

afterAll(async () => {
  for (const c of children) c.kill();
  await server?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  expect(logs.filter((l) => l.level >= 50)).toEqual([]);
});

/** What the node did while `wave` ran: handshakes B → A, GET /network/self answers, descriptor peaks. */
interface Watch {
  handshakes: number;
  /** Handshakes completed while at least `loadMark` RPC sockets were open. */
  handshakesUnderLoad: number;
  handshakeFailures: string[];
  selfOk: number;
  selfOkUnderLoad: number;
  selfFailed: number;
  maxFds: number;
  maxOpen: number;
}

/** Watches the node until `until` settles (bounded by `maxMs`): every loop stops by itself. */
async function watch(until: Promise<unknown>, maxMs: number, loadMark: number, askSelf: boolean): Promise<Watch> {
  const w: Watch = {
    handshakes: 0,
    handshakesUnderLoad: 0,
    handshakeFailures: [],
    selfOk: 0,
    selfOkUnderLoad: 0,
    selfFailed: 0,
    maxFds: 0,
    maxOpen: 0,
  };
  const loaded = () => server.connections().open >= loadMark;
  let over = false;
  void until.finally(() => (over = true));
  const stopAt = performance.now() + maxMs;
  const running = () => !over && performance.now() < stopAt;
  const sampler = setInterval(() => {
    w.maxFds = Math.max(w.maxFds, fdCount());
    w.maxOpen = Math.max(w.maxOpen, server.connections().open);
  }, 25);
  const p2p = (async () => {
    const point = { ip: testHost(71), port: a.listeningPort! };
    for (let i = 0; i < 10_000 && running(); i++) {
      try {
        const conn = await b.connect(point, { timeoutMs: 5_000 });
        if (loaded()) w.handshakesUnderLoad++;
        await b.disconnect(conn, { wait: true });
        // The node must have let go of B before B may dial again.
        for (let j = 0; j < 500 && a.findConnection(b.peerId); j++) await sleep(2);
        w.handshakes++;
        // A probe, not a load of its own: the server's CPU is the attacker's to take.
        await sleep(20);
      } catch (e) {
        w.handshakeFailures.push(e instanceof Error ? e.message : String(e));
        await sleep(50);
      }
    }
  })();
  const self = (async () => {
    for (let i = 0; i < 1_000 && askSelf && running(); i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${server.port}/network/self`);
        if (r.status === 200 && (await r.text()) === `"${a.peerId}"\n`) {
          w.selfOk++;
          if (loaded()) w.selfOkUnderLoad++;
        } else w.selfFailed++;
      } catch {
        w.selfFailed++;
      }
      await sleep(50);
    }
  })();
  await until;
  await Promise.all([p2p, self]);
  clearInterval(sampler);
  return w;
}

const tally = (fates: Fate[], pred: (f: Fate) => boolean) => fates.filter(pred).length;

/**
 * One warning per burst of refusals at the cap named `cap` (the attack is one burst unless a loaded
 * machine let the count fall a quarter under the cap mid-wave), each closed by an info line, whose
 * totals add up to the `refused` connections. Waits (bounded) for the last closing line.
 */
async function expectBursts(cap: string, refused: number): Promise<void> {
  const starts = () => logs.filter((l) => l.msg.startsWith(`${cap} reached`));
  const ends = () => logs.filter((l) => l.msg.startsWith(`${cap} burst over`));
  for (let i = 0; i < 200 && ends().length < starts().length; i++) await sleep(20);
  expect(starts().length).toBeGreaterThanOrEqual(1);
  expect(starts().every((l) => l.level === 40)).toBe(true);
  expect(ends().map((l) => l.level)).toEqual(starts().map(() => 30));
  expect(ends().reduce((n, l) => n + Number(/: (\d+) connections refused/.exec(l.msg)![1]), 0)).toBe(refused);
}

describe('slow-body attack on the RPC', () => {
  it('cuts every slow socket at the request timeout and refuses one address its excess, while P2P and /network/self carry on', async () => {
    // The budget binds (to within the descriptors opened between measuring and starting).
    expect(server.connections().cap).toBeGreaterThan(BUDGET - 5);
    expect(server.connections().cap).toBeLessThanOrEqual(BUDGET);
    const greedy = testHost(200);
    const sources: [string, number][] = [
      [greedy, 400],
      ...Array.from({ length: 6 }, (_, i): [string, number] => [testHost(80 + i), 250]),
    ];
    const refusedBefore = server.connections().refused;
    const wave = attack(sources, REQUEST_TIMEOUT_MS + MARGIN_MS);
    const w = await watch(wave, 30_000, 1_000, true);
    const fates = await wave;

    // Every socket was closed by the server, none answered otherwise (413, 400 …), within the
    // request timeout of its opening (+ margin).
    expect(fates).toHaveLength(1_900);
    expect(tally(fates, ([, f]) => f !== 'closed')).toBe(0);
    expect(Math.max(...fates.map(([, , ms]) => ms))).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + MARGIN_MS);
    // The per-address cap: the greedy address's excess exactly, reset at accept (the total cap was
    // never reached, and only the greedy address opened more than its cap).
    expect(server.connections().refused - refusedBefore).toBe(150);
    // Held at once (the earliest may time out before the last are accepted on a loaded machine).
    expect(w.maxOpen).toBeGreaterThan(1_000);

    // P2P handshakes and another address's RPC requests were served throughout.
    expect(w.handshakeFailures).toEqual([]);
    expect(w.handshakesUnderLoad).toBeGreaterThan(0);
    expect(w.selfFailed).toBe(0);
    expect(w.selfOkUnderLoad).toBeGreaterThan(0);

    expect(logs.filter((l) => l.msg.startsWith('RPC connection cap reached'))).toEqual([]);
    await expectBursts('RPC per-address connection cap', 150);
  });

  it('holds no more RPC sockets than the descriptor budget, leaving the P2P reserve untouched, and recovers after the timeout', async () => {
    // Every socket of the previous wave gone (keep-alive ones included): the whole budget is free.
    for (let i = 0; i < 300 && server.connections().open > 0; i++) await sleep(20);
    expect(server.connections().open).toBe(0);
    const { cap } = server.connections();
    const sources = Array.from({ length: 12 }, (_, i): [string, number] => [testHost(100 + i), 250]);
    const refusedBefore = server.connections().refused;
    const wave = attack(sources, REQUEST_TIMEOUT_MS + MARGIN_MS);
    // /network/self is not asked during this wave: the attacker holds every RPC slot, by design.
    const w = await watch(wave, 30_000, cap, false);
    const fates = await wave;

    expect(fates).toHaveLength(3_000);
    expect(tally(fates, ([, f]) => f !== 'closed')).toBe(0);
    // Every socket was refused at accept or held until the request timeout; the excess is the
    // attack's size less the budget (more were let in only if slots freed before the last arrived).
    const refused = server.connections().refused - refusedBefore;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(3_000 - cap);
    expect(Math.max(...fates.map(([, , ms]) => ms))).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + MARGIN_MS);
    expect(w.maxOpen).toBe(cap);
    // This process's descriptors: the budget filled, never into the P2P reserve (the slack is this
    // test's own P2P sockets).
    expect(w.maxFds).toBeLessThanOrEqual(descriptorLimit - reserve + TEST_SLACK);
    expect(w.maxFds).toBeGreaterThan(descriptorLimit - reserve - TEST_SLACK);

    // The P2P layer never noticed; the RPC serves again once the timeout has cut the attack.
    expect(w.handshakeFailures).toEqual([]);
    expect(w.handshakesUnderLoad).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${server.port}/network/self`)).status).toBe(200);

    await expectBursts('RPC connection cap', refused);
  });
});
