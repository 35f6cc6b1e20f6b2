import { createRequire } from 'node:module';
import { type Socket, createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateIdentity } from '@tezos-p2p/crypto';
import { encode } from '@tezos-p2p/encoding';
import { type P2p, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { type RawAppMessage, type ShellConnectionMetadata, type ShellPeerMetadata } from '@tezos-p2p/wire';
import { percentile } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import type { ScaleClientInput } from '../workers/scale-client.js';
import { Fleet } from './scale-fleet.js';
import { benchEncoding } from '../bench-connection.js';

const CHAIN = 'TEZOS_BENCH_SCALE';
const CLIENTS = 4;
const PER_CLIENT = 250;
const CONNECTIONS = CLIENTS * PER_CLIENT;
const SOURCES_PER_CLIENT = 8;
const MESSAGE = 1024;
/** Broadcast blocks per kind, alternating plain TCP, P2P and idle; each figure is the median over blocks. */
const BLOCKS = 8;
const ROUNDS_PER_BLOCK = 10;
const ROUND_GAP_MS = 100;
const HOST = '127.0.0.1';
const APP_TAG = 0x10;

interface RawSodium {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
}
const sodium = createRequire(import.meta.url)('sodium-native') as RawSodium;

type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Full collections (the bench runs with --expose-gc), then heap and external memory. */
async function memory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await tick();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function inputs(mode: 'p2p' | 'raw', port: number, rawKey: string, rawTimestampOffset: number): ScaleClientInput[] {
  return Array.from({ length: CLIENTS }, (_, k) => ({
    mode,
    host: HOST,
    port,
    chainName: CHAIN,
    count: PER_CLIENT,
    sources: Array.from({ length: SOURCES_PER_CLIENT }, (_, i) => `127.0.${100 + k}.${i + 1}`),
    rawKey,
    rawTimestampOffset,
  }));
}

/**
 * The plain TCP baseline's message: the P2P frame the node broadcasts, sealed once into a chunk
 * `[u16 length][MAC][ciphertext]` as a P2P connection would put it on the wire (nonce all zeros).
 */
class RawChunk {
  readonly key = randomBytes(32);
  private readonly nonce = new Uint8Array(24);
  private readonly frame: Uint8Array;
  readonly timestampOffset: number;

  constructor(payload: Uint8Array) {
    this.frame = encode(benchEncoding, {
      kind: 'Message',
      message: { tag: APP_TAG, payload },
    });
    this.timestampOffset = this.frame.length - payload.length;
  }

  /** A fresh chunk (the previous one may still be referenced by a socket's queue) stamped now. */
  stamped(): Buffer {
    new DataView(this.frame.buffer, this.frame.byteOffset).setFloat64(this.timestampOffset, nowUs());
    const chunk = Buffer.allocUnsafe(2 + 16 + this.frame.length);
    chunk.writeUInt16BE(16 + this.frame.length, 0);
    sodium.crypto_secretbox_easy(chunk.subarray(2), this.frame, this.nonce, this.key);
    return chunk;
  }
}

/**
 * What the profiles showed and what each change bought, measured with a driver of this suite (the
 * same node and clients, 1,000 connections, 20–30 rounds), variants alternating in one session.
 */
const HISTORY = [
  'Profile (inspector CPU profile of the node during the rounds, and perf): the broadcast already encodes once (`P2p.broadcast`); per round the node then seals and writes once per connection. The write syscalls cost the same as the plain TCP fan-out (writeBuffer ≈ 1 s of samples per 30 rounds in both); the excess was garbage collection (7 % of samples) and allocation: every write took a 128 KiB pooled buffer and only 32 are kept, i.e. ~128 MB of mmap-sized allocations a round.',
  'Change 1 — writes up to 16 KiB get a buffer of their own size (libs/connection buffer-pool.ts): node CPU per broadcast round 54–70 ms → 22–24 ms, collections from 7 % to < 1 % of samples, delivery p99 in paired runs 236/67/70 ms → 92/48/47 ms.',
  'Change 2 — the write scheduler yields after 1 ms of work as well as after 64 connections (io-scheduler.ts): event-loop delay p99 while broadcasting 17.1 → 8.4 ms (medians of 4 paired runs on a loaded machine); delivery p50 25.1 ms sliced vs 25.2 ms with no slicing at all, so the slices cost no delivery time.',
  'Change 3 — the scheduler marks a queued connection with a flag instead of keeping a Set: the Set’s table, regrown and shrunk by 1,000 adds and deletes a round, was promoted to the old generation (4 mark-compacts in 3 s of broadcasting, pauses up to 8 ms) → none.',
  'Change 4 — the pool lists running connections with a plain loop instead of a spread and a flatMap (libs/pool pool.ts), a third of the broadcast call: the synchronous `broadcast` to 1,000 connections 2.36 → 1.67 ms (medians of 4 paired runs).',
  'Baseline made fair: it now carries the same bytes (the P2P frame sealed into one chunk, not 1,024 plain bytes) with the same number of writes to the same kind of client processes, which decrypt each chunk; kinds alternate in blocks and figures are medians over blocks (one sample of each before).',
  'What was left then: the node spends ~25 ms of CPU a round against ~13 ms for the plain fan-out (a 2 µs seal per connection, the scheduler and stream callbacks), and the P2P clients ~36 ms against ~16 ms (the receiving library: framing, decoding, a promise per message), all on the same 2 cores.',
  'Clients, 2026-12-03: both kinds now read into reused buffers — the P2P clients through the library’s shared-buffer sockets (`connectSharedBuffer`), the plain ones through `onread` — and the P2P clients of a process share one IoScheduler, as a node does (one per connection made 250 refresh timers a second per process, ~10 % of a client’s CPU in a profile). The node’s own sockets are shared-buffer ones as well (welcome worker). Since then, on a machine whose speed moved by a third within the hour: delivery p99 ratio 138–174 % over 9 runs, node CPU per round 117–139 % of the plain fan-out’s (the row above).',
  'Where the rest of the p99 gap comes from, by experiment: with the plain fan-out made to seal a fresh copy of its chunk for every socket (as a P2P node must: one key per peer), the plain p99 rose by 3–5 ms and the ratio fell to 118–120 % (2 runs). So about half of the excess is the per-connection sealing the protocol requires; the other half is the P2P layer (write scheduling, budgets, stream callbacks in the node; framing, decoding and a promise per message in the clients). Larger scheduler slices (1,024 connections or 4 ms a turn instead of 64 or 1 ms) did not lower it (3 paired runs: 146/168/153 % vs 138/168/150 %) and doubled the loop delay; TCP_NODELAY and keep-alive off made no difference.',
  'Run order mattered while every suite ran in the bench’s one process: right after the connection suite (`npm run bench -- connection scale`, or the whole bench), this suite gave a delivery p99 ratio of 165–247 % in 5 runs, against 129–174 % in 13 runs alone or after the pipeline suite, and replaying the connection suite from a script ahead of it did not reproduce it (145–153 %). Each suite now runs in a process of its own (tools/bench main.ts): `connection scale` then gave 147.1 %, inside the range of this suite alone.',
];

/**
 * The idle memory per connection: what a heap snapshot diff showed and what each change bought,
 * measured with a driver of this suite's setup (one node, the same 4 client processes × 250
 * connections, heapUsed + external after full collections, mean of 2 runs; it reads ~1 KiB lower
 * than this suite), changes applied one after the other.
 */
const MEMORY_HISTORY = [
  'Idle memory profile (heap snapshots before and after 1,000 connections, diffed by constructor and retainer): 13.9 KiB per connection, of which ~4 KiB the connection layer and socket; the rest was four abort signals (each an EventTarget with two Maps and a shape of its own, ~1 KiB), the handshake kept alive by closures, a dozen objects of shell peer metadata per peer, and per-connection listeners, Maps and arrays.',
  'Memory change 1 — the connection’s loop no longer keeps two AbortControllers and an `AbortSignal.any` (libs/workers p2p-conn.ts): a stop or loss is a field, and the abort signal a throttle wait needs is made only when a message has to wait; the throttle itself is made with the first protocol message, its times in fields instead of a Map (throttle.ts): 13.9 → 10.8 KiB per connection.',
  'Memory change 2 — nothing of the handshake outlives it (connect-handler.ts): the socket’s lifelong error listener is one shared function instead of an arrow holding the accept scope (its slot’s AbortController and span), and the connection’s greylist and close callbacks are made outside `acceptConnection`, whose scope held the authenticated socket (handshake reader, deadline and its abort signal): 10.8 → 8.9 KiB.',
  'Memory change 3 — the connection span keeps the context that was active instead of the child context (a Map) it makes, which is built when asked, in the handshake only (connection-span.ts): 8.9 → 8.6 KiB.',
  'Memory change 4 — `recvAny`’s wake-up is one hook shared by all connections instead of a listener, its removal function and a Map entry per connection (libs/p2p p2p.ts; the connection’s own listener set is made on first use): 8.6 → 8.3 KiB.',
  'Memory change 5 — a peer’s metadata is made when first read, not at registration (libs/pool peer-info.ts): scores, the GC and peers.json read an initial value without keeping it, and the shell’s initial metadata is a dozen objects: 8.3 → 6.8 KiB.',
  'Memory change 6 — the per-peer and per-point event rings are circular buffers that double up to their 100 items instead of arrays pushed to and shifted (ring.ts): a connected peer’s two events took an array of 17 slots, now 2: 6.8 → 6.7 KiB. This suite: 14.8 → 7.35 KiB.',
  'What is left of the P2P layer per idle connection (~2.6 KiB): the connection object and its options, its suspended read loop (a generator and its promises), the greylist and close callbacks, the peer’s info with its state, two events and stamps, the span, and the pool’s Map entries.',
];

/** One block of broadcasts; the event loop's delay meanwhile (p99, ms). */
async function broadcastBlock(send: () => void): Promise<number> {
  await memory(); // no collection owed by the previous block lands in this one
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let r = 0; r < ROUNDS_PER_BLOCK; r++) {
    send();
    await sleep(ROUND_GAP_MS);
  }
  loop.disable();
  return loop.percentile(99) / 1e6;
}

async function idleBlock(): Promise<number> {
  await memory();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await sleep(ROUNDS_PER_BLOCK * ROUND_GAP_MS);
  loop.disable();
  return loop.percentile(99) / 1e6;
}

interface Blocks {
  p50: number[];
  p99: number[];
  loopP99: number[];
  /** This process's CPU time per round of the block (ms): the broadcasts and whatever else it ran meanwhile. */
  cpuPerRound: number[];
}

async function measuredBlock(into: Blocks, fleet: Fleet, held: number, send: () => void): Promise<void> {
  const cpu0 = process.cpuUsage();
  into.loopP99.push(await broadcastBlock(send));
  const cpu = process.cpuUsage(cpu0);
  into.cpuPerRound.push((cpu.user + cpu.system) / 1000 / ROUNDS_PER_BLOCK);
  const delays = await fleet.delays(ROUNDS_PER_BLOCK * held);
  into.p50.push(percentile(delays, 50) / 1000);
  into.p99.push(percentile(delays, 99) / 1000);
}

/**
 * One node holding 1,000 authenticated connections opened by other processes over loopback: memory
 * per idle connection, broadcast delivery delays, and the event loop's delay meanwhile — each beside
 * the same measurement on plain TCP sockets carrying the same bytes to the same kind of clients, or
 * an idle loop, in blocks that alternate within one run.
 */
export const scaleSuite: Suite = {
  name: 'scale',
  title: 'One node, 1,000 connections from other processes',
  async run() {
    const payload = new Uint8Array(MESSAGE);
    const view = new DataView(payload.buffer);
    const chunk = new RawChunk(payload);

    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    server.maxConnections = CONNECTIONS + 100;
    await new Promise<void>((r) => server.listen(0, HOST, r));
    const rawBefore = await memory();
    const rawPort = (server.address() as { port: number }).port;
    const rawFleet = await Fleet.start(inputs('raw', rawPort, chunk.key.toString('hex'), chunk.timestampOffset));
    for (let i = 0; i < 100 && sockets.length < CONNECTIONS; i++) await sleep(20);
    await sleep(500);
    const rawAfter = await memory();

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
    const fleet = await Fleet.start(inputs('p2p', node.listeningPort!, '', 0));
    for (let i = 0; i < 250 && node.connections().length < CONNECTIONS; i++) await sleep(20);
    const held = node.connections().length;
    await sleep(500);
    const after = await memory();

    const rawSend = () => {
      const c = chunk.stamped();
      for (const s of sockets) s.write(c);
    };
    const p2pSend = () => {
      view.setFloat64(0, nowUs());
      node.broadcast({ tag: APP_TAG, payload });
    };
    const raw: Blocks = { p50: [], p99: [], loopP99: [], cpuPerRound: [] };
    const p2p: Blocks = { p50: [], p99: [], loopP99: [], cpuPerRound: [] };
    const idle: number[] = [];
    for (let b = 0; b < BLOCKS; b++) {
      // Alternate which kind goes first, so that neither always follows the other.
      if (b % 2 === 0) {
        await measuredBlock(raw, rawFleet, sockets.length, rawSend);
        await measuredBlock(p2p, fleet, held, p2pSend);
      } else {
        await measuredBlock(p2p, fleet, held, p2pSend);
        await measuredBlock(raw, rawFleet, sockets.length, rawSend);
      }
      idle.push(await idleBlock());
    }
    await Promise.all([fleet.stop(), rawFleet.stop()]);
    await node.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));

    const figures: Figure[] = [
      {
        name: 'authenticated connections held',
        value: held,
        unit: 'connections',
        target: { min: CONNECTIONS, description: `all ${CONNECTIONS}` },
      },
      {
        name: 'handshakes accepted (16 in flight per client process)',
        value: held / fleet.seconds,
        unit: 'handshakes/s',
      },
      {
        name: 'memory per idle connection (heap + external)',
        value: (after - before) / held / 1024,
        unit: 'KiB',
        baseline: { name: 'plain TCP socket, same clients', value: (rawAfter - rawBefore) / sockets.length / 1024 },
        target: { max: 10, on: 'value', description: '≤ 10 KiB' },
      },
      {
        name: 'broadcast of 1 KiB to all: delivery p50',
        value: median(p2p.p50),
        unit: 'ms',
        baseline: { name: 'plain TCP fan-out p50', value: median(raw.p50) },
      },
      {
        name: 'broadcast of 1 KiB to all: delivery p99',
        value: median(p2p.p99),
        unit: 'ms',
        baseline: { name: 'plain TCP fan-out p99', value: median(raw.p99) },
        target: { max: 1.5, description: '≤ 1.5 × plain TCP' },
      },
      {
        name: 'CPU of the node process per broadcast round (its writes and the rest of its work meanwhile)',
        value: median(p2p.cpuPerRound),
        unit: 'ms',
        baseline: { name: 'plain TCP fan-out, same process', value: median(raw.cpuPerRound) },
      },
      {
        name: 'event-loop delay p99 while broadcasting',
        value: median(p2p.loopP99),
        unit: 'ms',
        baseline: { name: 'idle event loop p99, connections held', value: median(idle) },
        target: { max: 5, on: 'value', description: '≤ 5 ms' },
      },
      {
        name: 'event-loop delay p99 while fanning out on plain TCP',
        value: median(raw.loopP99),
        unit: 'ms',
        baseline: { name: 'idle event loop p99, connections held', value: median(idle) },
      },
    ];
    const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    return {
      figures,
      notes: [
        `${CLIENTS} client processes × ${PER_CLIENT} connections, each process from ${SOURCES_PER_CLIENT} addresses 127.0.(100+k).x, for each kind (P2P and plain TCP, both held throughout); ${BLOCKS} blocks per kind of ${ROUNDS_PER_BLOCK} broadcasts ${ROUND_GAP_MS} ms apart, plain TCP, P2P and idle blocks alternating (the first two swapping places each time), full collections before each block. Figures are medians over blocks; per block, P2P p99: ${list(p2p.p99)} ms, plain TCP p99: ${list(raw.p99)} ms, P2P loop delay p99: ${list(p2p.loopP99)} ms.`,
        'Delivery delay: from just before `broadcast` (a timestamp in the payload) to the decoded message in the client process. The plain TCP baseline writes the same bytes (the same encoded message, sealed once into one chunk as a P2P connection frames it) once to each socket, and its clients open each chunk with raw libsodium: both kinds of client decrypt 1,000 chunks a round on the same cores. What the baseline lacks is what the P2P layer costs: a seal per connection in the node, the write scheduler, and the receiving library in the clients.',
        'Memory: heapUsed + external of the node process after full collections, before and after the connections (kernel socket buffers are not included, on either side).',
        ...HISTORY,
        ...MEMORY_HISTORY,
      ],
    };
  },
};
