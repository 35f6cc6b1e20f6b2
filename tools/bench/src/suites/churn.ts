import { type Server, type Socket, connect, createServer } from 'node:net';
import { type Connection, IoScheduler, establish } from '@tezos-p2p/connection';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { EventBus } from '@tezos-p2p/events';
import { type P2p, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import {
  announcedVersion,
  type PeerId,
  type RawAppMessage,
  type ShellConnectionMetadata,
  type ShellPeerMetadata,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import { benchEncoding } from '../bench-connection.js';

const CHAIN = 'TEZOS_BENCH_CHURN';
const HOST = '127.0.0.1';
const MiB = 2 ** 20;

type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
/**
 * One client identity dialling from its own source address: a lane runs its cycles one after the
 * other, and a source address per lane keeps each address's ephemeral ports (and their TIME_WAIT)
 * far from exhaustion over 10,000 cycles.
 */
type Lane = { readonly id: Identity; readonly from: string };

export interface ChurnOptions {
  /** Cycles in all, warm-up included. */
  readonly cycles: number;
  /** Cycles before the baseline snapshot (JIT, buffer pools and each peer's event ring fill up). */
  readonly warmup: number;
  /** Cycles in flight. */
  readonly lanes: number;
  /** Duration of the same-run baseline against a bare responder, after as long again of warm-up. */
  readonly bareSeconds: number;
}

const version = announcedVersion(CHAIN);
const gc = (globalThis as { gc?: () => void }).gc;
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

interface Snapshot {
  readonly heapUsed: number;
  readonly external: number;
  readonly handles: Record<string, number>;
}

/** Heap, external memory and handles once the last sockets have closed, after full collections. */
async function snapshot(): Promise<Snapshot> {
  // Closing sockets finish on later turns (no event says when): the smallest count of each type.
  const h = handles();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = handles();
    for (const k of Object.keys(h)) h[k] = Math.min(h[k]!, now[k] ?? 0);
  }
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, handles: h };
}

async function dial(port: number, from: string): Promise<Socket> {
  const socket = connect({ host: HOST, port, localAddress: from });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  return socket;
}

function clientHandshake(
  socket: Socket,
  lane: Lane,
  port: number,
  scheduler: IoScheduler,
): Promise<Connection<RawAppMessage, ShellConnectionMetadata>> {
  return establish(socket, {
    identity: lane.id,
    version,
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    remote: { ip: HOST, port },
    listeningPort: undefined, // no point for the node to register: the point table stays empty
    expectedProofOfWork: 0,
    messageEncoding: benchEncoding,
    scheduler,
  });
}

/**
 * Server-side ends keyed by the client's address and port, whichever side gets there first: the
 * server may finish (or fail) a socket before the client has registered to wait for it, and the same
 * port number is in use from several source addresses at once.
 */
class Ends {
  private readonly slots = new Map<string, { readonly done: Promise<void>; readonly resolve: () => void }>();

  private slot(key: string): { readonly done: Promise<void>; readonly resolve: () => void } {
    let s = this.slots.get(key);
    if (s === undefined) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      s = { done, resolve };
      this.slots.set(key, s);
    }
    return s;
  }

  ended(key: string): void {
    this.slot(key).resolve();
  }

  async wait(key: string): Promise<void> {
    await this.slot(key).done;
    this.slots.delete(key);
  }
}

/**
 * The same-run baseline: the same cycles against a bare responder (the connection lib's `establish`
 * behind a net.Server; no pool, no checks, no P2pConn), each until the responder's end has closed.
 * Cycles started during a first `seconds` of warm-up are not counted: it runs first, on cold code.
 */
async function bareCyclesPerSecond(lanes: readonly Lane[], seconds: number): Promise<number> {
  const serverId = await generateIdentity({ difficulty: 0, workers: 0 });
  const scheduler = new IoScheduler();
  const ends = new Ends();
  const server: Server = createServer((s) => {
    s.on('error', () => undefined);
    const key = `${s.remoteAddress}:${s.remotePort}`;
    establish(s, {
      identity: serverId,
      version,
      metadata: shellConnectionMetadataConfig(),
      incoming: true,
      expectedProofOfWork: 0,
      messageEncoding: benchEncoding,
      scheduler,
    }).then(
      (c) => void c.closed.then(() => ends.ended(key)),
      () => ends.ended(key),
    );
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const port = (server.address() as { port: number }).port;
  let done = 0;
  const t0 = performance.now() + seconds * 1000;
  const end = t0 + seconds * 1000;
  await Promise.all(
    lanes.map(async (lane) => {
      for (let start = performance.now(); start < end; start = performance.now()) {
        const socket = await dial(port, lane.from);
        const closed = ends.wait(`${socket.localAddress}:${socket.localPort}`);
        const conn = await clientHandshake(socket, lane, port, scheduler);
        conn.close();
        await closed;
        if (start >= t0) done++;
      }
    }),
  );
  const rate = done / ((performance.now() - t0) / 1000);
  await new Promise<void>((r) => server.close(() => r()));
  scheduler.stop();
  return rate;
}

/** `cycles` connect → authenticate → disconnect cycles against one node; figures and notes. */
export async function runChurn(opts: ChurnOptions): Promise<{ figures: Figure[]; notes: string[] }> {
  const lanes: Lane[] = [];
  for (let i = 0; i < opts.lanes; i++)
    lanes.push({ id: await generateIdentity({ difficulty: 0, workers: 0 }), from: `127.0.0.${2 + i}` });
  const bare = await bareCyclesPerSecond(lanes, opts.bareSeconds);

  // Our own bus (the facade keeps its bus private), to count what stays subscribed.
  const bus = new EventBus();
  const node = (await createP2p(
    {
      identity: await generateIdentity({ difficulty: 0, workers: 0 }),
      listenAddr: HOST,
      listeningPort: 0,
      expectedProofOfWork: 0,
    },
    { maintenanceIdleTimeMs: null },
    rawMessageParams(CHAIN),
    { bus },
  )) as Node;
  const port = node.listeningPort!;
  const scheduler = new IoScheduler();
  // The node's end of each cycle: Disconnection of the lane's peer; a refusal counts as a failure.
  const ended = new Map<PeerId, (ok: boolean) => void>();
  let failures = 0;
  const sub = node.events$.subscribe((e) => {
    const peerId =
      e.kind === 'Disconnection' || e.kind === 'Rejecting_request'
        ? e.peerId
        : e.kind === 'Request_rejected'
          ? e.identity?.peerId
          : undefined;
    if (peerId === undefined) return;
    const r = ended.get(peerId);
    ended.delete(peerId);
    r?.(e.kind === 'Disconnection');
  });
  let started = 0;
  const run = (upTo: number) =>
    Promise.all(
      lanes.map(async (lane) => {
        while (started < upTo) {
          started++;
          const socket = await dial(port, lane.from);
          const end = new Promise<boolean>((r) => ended.set(lane.id.peerId, r));
          const conn = await clientHandshake(socket, lane, port, scheduler);
          conn.close();
          if (!(await end)) failures++;
        }
      }),
    );

  let before: Snapshot;
  let after: Snapshot;
  let seconds: number;
  const tables = { peers: 0, points: 0, subscribers: 0 };
  const tablesAfter = { ...tables };
  try {
    await run(opts.warmup);
    before = await snapshot();
    Object.assign(tables, {
      peers: node.knownPeers().length,
      points: node.knownPoints().length,
      subscribers: bus.subscriberCount,
    });
    const t0 = performance.now();
    await run(opts.cycles);
    seconds = (performance.now() - t0) / 1000;
    after = await snapshot();
    Object.assign(tablesAfter, {
      peers: node.knownPeers().length,
      points: node.knownPoints().length,
      subscribers: bus.subscriberCount,
    });
  } finally {
    sub.unsubscribe();
    scheduler.stop();
    await node.stop();
  }

  const measured = opts.cycles - opts.warmup;
  const figures: Figure[] = [
    {
      name: `node: cycles (${opts.lanes} in flight, through the whole accept path)`,
      value: measured / seconds,
      unit: 'cycles/s',
      baseline: { name: 'bare establish responder, same lanes', value: bare },
    },
    {
      name: `heap used after ${measured} more cycles`,
      value: after.heapUsed / MiB,
      unit: 'MiB',
      baseline: { name: `after ${opts.warmup}-cycle warm-up`, value: before.heapUsed / MiB },
      target: { max: 1.1, description: '≤ 110 % of the warm-up baseline' },
    },
    {
      name: 'external memory (buffers) after',
      value: after.external / MiB,
      unit: 'MiB',
      baseline: { name: 'after warm-up', value: before.external / MiB },
      target: { max: 1.1, description: '≤ 110 %' },
    },
    {
      name: 'open handles after (sockets, servers, timers)',
      value: sum(after.handles),
      unit: 'handles',
      baseline: { name: 'after warm-up', value: sum(before.handles) },
      target: { max: 1.1, description: '≤ 110 %' },
    },
    {
      name: 'known peers after',
      value: tablesAfter.peers,
      unit: 'peers',
      baseline: { name: 'after warm-up', value: tables.peers },
      target: { max: 1, description: 'no growth' },
    },
    { name: 'failed cycles', value: failures, unit: 'cycles', target: { max: 0, on: 'value', description: 'none' } },
  ];
  return {
    figures,
    notes: [
      `${opts.cycles} cycles in all (${opts.warmup} of warm-up, then ${measured} measured); each: TCP connect, the whole handshake through the node's accept path (checks, Ack, P2pConn, Connection_established), close, and the node's Disconnection before the lane dials again.`,
      `${opts.lanes} client identities, one per lane and source address (127.0.0.2…), announcing no listening port: the node keeps one peer per identity and registers no point (points ${tables.points} → ${tablesAfter.points}); bus subscribers ${tables.subscribers} → ${tablesAfter.subscribers}. What grows by design: each peer's event ring (capped, full during warm-up) and the I/O counters.`,
      `Heap and external memory after ${gc ? 'four full collections (--expose-gc)' : 'settle rounds only (run with --expose-gc for full collections)'}; handles from process.getActiveResourcesInfo(), smallest count over 10 samples 20 ms apart. Handles before: ${JSON.stringify(before.handles)}, after: ${JSON.stringify(after.handles)}.`,
    ],
  };
}

export const churnSuite: Suite = {
  name: 'churn',
  title: 'Connection churn: 10,000 connect → authenticate → disconnect cycles against one node',
  run: () => runChurn({ cycles: 10_000, warmup: 500, lanes: 12, bareSeconds: 3 }),
};
