import { type ChildProcess, fork } from 'node:child_process';
import { type Socket, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateIdentity } from '@tezos-p2p/crypto';
import { type P2p, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import type { RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import { percentile } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import type { ScaleClientInput, ScaleClientMessage } from '../workers/scale-client.js';

const CHAIN = 'TEZOS_BENCH_SCALE';
const CLIENTS = 4;
const PER_CLIENT = 250;
const CONNECTIONS = CLIENTS * PER_CLIENT;
const SOURCES_PER_CLIENT = 8;
const MESSAGE = 1024;
const ROUNDS = 30;
const ROUND_GAP_MS = 100;
const HOST = '127.0.0.1';

type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Heap and external memory after full collections (the bench runs with --expose-gc). */
async function memory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await tick();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

class ClientProcess {
  private readonly child: ChildProcess;
  private readonly inbox: ScaleClientMessage[] = [];
  private wake: (() => void) | undefined;

  constructor(input: ScaleClientInput) {
    this.child = fork(fileURLToPath(new URL('../workers/scale-client.js', import.meta.url)), { stdio: 'inherit' });
    this.child.on('message', (m: ScaleClientMessage) => {
      this.inbox.push(m);
      this.wake?.();
    });
    this.child.send({ type: 'start', input });
  }

  async next<T extends ScaleClientMessage['type']>(type: T): Promise<Extract<ScaleClientMessage, { type: T }>> {
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<ScaleClientMessage, { type: T }>;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  async delays(): Promise<number[]> {
    this.child.send({ type: 'delays' });
    return (await this.next('delays')).delaysUs;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

/** 4 processes × 250 connections, each process from its own 8 loopback addresses (127.0.(100+k).x). */
async function startClients(
  mode: 'p2p' | 'raw',
  port: number,
): Promise<{ clients: ClientProcess[]; connected: number; seconds: number }> {
  const t0 = performance.now();
  const clients = Array.from(
    { length: CLIENTS },
    (_, k) =>
      new ClientProcess({
        mode,
        host: HOST,
        port,
        chainName: CHAIN,
        count: PER_CLIENT,
        sources: Array.from({ length: SOURCES_PER_CLIENT }, (_, i) => `127.0.${100 + k}.${i + 1}`),
        messageSize: MESSAGE,
      }),
  );
  const ready = await Promise.all(clients.map((c) => c.next('ready')));
  const failed = ready.filter((r) => r.failed > 0);
  if (failed.length > 0)
    throw new Error(
      `${mode}: ${failed.reduce((a, r) => a + r.failed, 0)} connections failed, e.g. ${failed[0]!.firstError}`,
    );
  return { clients, connected: ready.reduce((a, r) => a + r.connected, 0), seconds: (performance.now() - t0) / 1000 };
}

async function collectDelays(clients: readonly ClientProcess[], expected: number): Promise<number[]> {
  const all: number[] = [];
  for (let i = 0; i < 200 && all.length < expected; i++) {
    for (const c of clients) all.push(...(await c.delays()));
    if (all.length < expected) await sleep(25);
  }
  if (all.length < expected) throw new Error(`only ${all.length} of ${expected} broadcast messages arrived`);
  return all.sort((a, b) => a - b);
}

async function idleLoopDelayP99(ms: number): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await sleep(ms);
  h.disable();
  return h.percentile(99) / 1e6;
}

/** Baseline: the same 1,000 client connections as plain TCP sockets, and a 1 KiB write to each. */
async function rawBaseline(): Promise<{ memoryPerSocket: number; p50: number; p99: number }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  server.maxConnections = CONNECTIONS + 100;
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const before = await memory();
  const { clients } = await startClients('raw', (server.address() as { port: number }).port);
  for (let i = 0; i < 100 && sockets.length < CONNECTIONS; i++) await sleep(20);
  await sleep(500);
  const after = await memory();
  const payload = Buffer.alloc(MESSAGE);
  for (let r = 0; r < ROUNDS; r++) {
    payload.writeDoubleBE(nowUs(), 0);
    for (const s of sockets) s.write(payload);
    await sleep(ROUND_GAP_MS);
  }
  const delays = await collectDelays(clients, ROUNDS * CONNECTIONS);
  await Promise.all(clients.map((c) => c.stop()));
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return {
    memoryPerSocket: (after - before) / CONNECTIONS,
    p50: percentile(delays, 50) / 1000,
    p99: percentile(delays, 99) / 1000,
  };
}

/**
 * One node holding 1,000 authenticated connections opened by other processes over loopback: memory
 * per idle connection, broadcast delivery delays, and the event loop's delay meanwhile — each beside
 * the same measurement on plain TCP sockets or an idle loop, in the same run.
 */
export const scaleSuite: Suite = {
  name: 'scale',
  title: 'One node, 1,000 connections from other processes',
  async run() {
    const raw = await rawBaseline();
    const idleP99 = await idleLoopDelayP99(ROUNDS * ROUND_GAP_MS);

    // Each client process dials ~30 connections from each of its addresses at once: no per-address cap.
    const node: Node = (await createP2p(
      {
        identity: await generateIdentity({ difficulty: 0, workers: 0 }),
        listenAddr: HOST,
        listeningPort: 0,
        expectedProofOfWork: 0,
      },
      {
        maintenanceIdleTimeMs: null,
        maxConnections: CONNECTIONS + 100,
        maxIncomingConnections: 255,
        maxIncomingConnectionsPerAddress: 255,
        backlog: 255,
        maxKnownPoints: null,
        maxKnownPeerIds: null,
      },
      rawMessageParams(CHAIN),
    )) as Node;
    const before = await memory();
    const { clients, seconds } = await startClients('p2p', node.listeningPort!);
    for (let i = 0; i < 250 && node.connections().length < CONNECTIONS; i++) await sleep(20);
    const held = node.connections().length;
    await sleep(500);
    const after = await memory();

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const payload = new Uint8Array(MESSAGE);
    const view = new DataView(payload.buffer);
    for (let r = 0; r < ROUNDS; r++) {
      view.setFloat64(0, nowUs());
      node.broadcast({ tag: 0x10, payload });
      await sleep(ROUND_GAP_MS);
    }
    loop.disable();
    const delays = await collectDelays(clients, ROUNDS * held);
    await Promise.all(clients.map((c) => c.stop()));
    await node.stop();

    const perConnKiB = (after - before) / held / 1024;
    const figures: Figure[] = [
      {
        name: 'authenticated connections held',
        value: held,
        unit: 'connections',
        target: { min: CONNECTIONS, description: `all ${CONNECTIONS}` },
      },
      { name: 'handshakes accepted (16 in flight per client process)', value: held / seconds, unit: 'handshakes/s' },
      {
        name: 'memory per idle connection (heap + external)',
        value: perConnKiB,
        unit: 'KiB',
        baseline: { name: 'plain TCP socket, same clients', value: raw.memoryPerSocket / 1024 },
        target: { max: 32, on: 'value', description: '≤ 32 KiB' },
      },
      {
        name: 'broadcast of 1 KiB to all: delivery p50',
        value: percentile(delays, 50) / 1000,
        unit: 'ms',
        baseline: { name: 'plain TCP fan-out p50', value: raw.p50 },
      },
      {
        name: 'broadcast of 1 KiB to all: delivery p99',
        value: percentile(delays, 99) / 1000,
        unit: 'ms',
        baseline: { name: 'plain TCP fan-out p99', value: raw.p99 },
      },
      {
        name: 'event-loop delay p99 while broadcasting',
        value: loop.percentile(99) / 1e6,
        unit: 'ms',
        baseline: { name: 'idle event loop p99', value: idleP99 },
      },
    ];
    return {
      figures,
      notes: [
        `${CLIENTS} client processes × ${PER_CLIENT} connections, each process from ${SOURCES_PER_CLIENT} addresses 127.0.(100+k).x; ${ROUNDS} broadcasts ${ROUND_GAP_MS} ms apart.`,
        'Delivery delay: from just before `broadcast` (a timestamp in the payload) to the decoded message in the client process; every client also decrypts, so the figure includes 1,000 decryptions spread over the client processes sharing the same cores.',
        'Memory: heapUsed + external of the node process after full collections, before and after the connections (kernel socket buffers are not included, on either side).',
      ],
    };
  },
};
