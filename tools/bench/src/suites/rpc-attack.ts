import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Connection, IoScheduler, establish } from '@tezos-p2p/connection';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import {
  announcedVersion,
  type RawAppMessage,
  type ShellConnectionMetadata,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import { benchEncoding } from '../bench-connection.js';

const CHAIN = 'TEZOS_BENCH_RPC_ATTACK';
const HOST = '127.0.0.1';
/** The node as an operator runs it (built by `npm run bench` beforehand). */
const TZP2P = fileURLToPath(new URL('../../../../apps/node/bin/tzp2p.js', import.meta.url));
/** P2P clients dialling the node, one cycle at a time each, from 127.0.0.2… */
const LANES = 4;
/** Identities each lane rotates through, so that a peer is never dialled again before the node has let it go. */
const IDS_PER_LANE = 8;
/** Attacking sources (127.0.9.1…) and slow sockets each keeps open, re-opening each a second after it closes. */
const ATTACK_SOURCES = 16;
const ATTACK_PER_SOURCE = 250;
const ATTACK_SOCKETS = ATTACK_SOURCES * ATTACK_PER_SOURCE;
const TRICKLE_MS = 2_000;
const REOPEN_MS = 1_000;
/** Accept-rate samples per phase, each bounded in time and in cycles. */
const SAMPLES = 3;
const SAMPLE_MS = 3_000;
const SAMPLE_MAX_CYCLES = 20_000;
const WARMUP_MS = 2_000;

type Lane = { readonly ids: readonly Identity[]; readonly from: string };

const version = announcedVersion(CHAIN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * The attacker, plain CommonJS run with `node -e` in a process of its own: keeps `perSource` sockets
 * open from each source, each sending a request's headers (Content-Length 60000) and then one byte
 * every `trickleMs`; a socket the server closes or refuses is re-opened `reopenMs` later. Stops on
 * "stop" or after `maxMs`, whichever comes first, and reports how many it opened.
 */
const ATTACKER = String.raw`
const net = require('node:net');
process.once('message', async (job) => {
  const live = new Set();
  let opened = 0;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(tick);
    for (const s of live) s.destroy();
    process.send({ type: 'stopped', opened }, () => process.exit(0));
  };
  const hardStop = setTimeout(stop, job.maxMs);
  process.on('message', (m) => m === 'stop' && stop());
  const tick = setInterval(() => { for (const s of live) if (s.sent) s.write(' '); }, job.trickleMs);
  const open = (source) => {
    if (stopping) return;
    opened++;
    const s = net.connect({ host: job.host, port: job.port, localAddress: source });
    live.add(s);
    s.on('connect', () => s.write(job.head, () => { s.sent = true; }));
    s.on('error', () => undefined);
    s.on('close', () => { live.delete(s); setTimeout(() => open(source), job.reopenMs); });
  };
  for (const source of job.sources) {
    for (let i = 0; i < job.perSource; i++) {
      open(source);
      if (opened % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
  }
  process.send({ type: 'ready', opened });
});
`;

class Attacker {
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly stopped: Promise<number>;

  constructor(port: number, maxMs: number) {
    this.child = spawn(process.execPath, ['-e', ATTACKER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let ready!: () => void;
    let stopped!: (opened: number) => void;
    this.ready = new Promise((r) => (ready = r));
    this.stopped = new Promise((r) => (stopped = r));
    this.child.on('message', (m: { type: string; opened: number }) =>
      m.type === 'ready' ? ready() : stopped(m.opened),
    );
    this.child.once('exit', () => stopped(-1));
    this.child.send({
      host: HOST,
      port,
      sources: Array.from({ length: ATTACK_SOURCES }, (_, i) => `127.0.9.${i + 1}`),
      perSource: ATTACK_PER_SOURCE,
      head: `PATCH /network/points/127.0.0.1:1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n`,
      trickleMs: TRICKLE_MS,
      reopenMs: REOPEN_MS,
      maxMs,
    });
  }

  async stop(): Promise<number> {
    if (this.child.connected) this.child.send('stop');
    return this.stopped;
  }
}

/**
 * The control: a bare TCP server in a process of its own that resets every connection at once, the
 * least any server can do with the attacker's sockets. The same attack aimed at it costs the machine
 * (the attacker's CPU, the kernel's TCP work) what it costs anyway; what the node loses beyond that
 * is its own doing.
 */
const BARE_RESETTER = String.raw`
const net = require('node:net');
const server = net.createServer((s) => s.resetAndDestroy());
server.listen(0, process.argv[1], () => process.send(server.address().port));
const hardStop = setTimeout(() => process.exit(0), Number(process.argv[2]));
process.on('message', () => { clearTimeout(hardStop); process.exit(0); });
`;

class BareResetter {
  private readonly child: ChildProcess;
  readonly port: Promise<number>;

  constructor(maxMs: number) {
    this.child = spawn(process.execPath, ['-e', BARE_RESETTER, HOST, String(maxMs)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.port = new Promise((r) => this.child.once('message', (p: number) => r(p)));
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    if (this.child.connected) this.child.send('stop');
    await exited;
  }
}

/** A free loopback port (released before the node binds it: a race no other process here runs). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `tzp2p run` in a process of its own: its descriptors, its warnings, its exit. */
class NodeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly warnings: string[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'tzp2p-bench-rpc-'));

  constructor(
    readonly p2pPort: number,
    readonly rpcPort: number,
  ) {
    this.child = spawn(process.execPath, [
      TZP2P,
      'run',
      '--data-dir',
      this.dir,
      '--network',
      'sandbox',
      '--chain-name',
      CHAIN,
      '--expected-pow',
      '0',
      '--no-bootstrap-peers',
      '--disable-p2p-maintenance',
      '--net-addr',
      `${HOST}:${p2pPort}`,
      '--rpc-addr',
      `${HOST}:${rpcPort}`,
      '--log-level',
      'warn',
    ]);
    let partial = '';
    const lines = (d: Buffer) => {
      const all = (partial + d.toString()).split('\n');
      partial = all.pop()!;
      for (const l of all) if (l.includes('RPC')) this.warnings.push(l);
    };
    this.child.stdout.on('data', lines);
    this.child.stderr.on('data', lines);
  }

  /** Until GET /network/self answers (bounded). */
  async ready(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (this.child.exitCode !== null) throw new Error(`tzp2p exited with ${this.child.exitCode}`);
      try {
        if ((await fetch(`http://${HOST}:${this.rpcPort}/network/self`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error('tzp2p did not start within 30 s');
  }

  fds(): number {
    const dir = `/proc/${this.child.pid}/fd`;
    return existsSync(dir) ? readdirSync(dir).length : Number.NaN;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function dial(port: number, from: string): Promise<Socket> {
  const socket = connect({ host: HOST, port, localAddress: from });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  return socket;
}

function clientHandshake(
  socket: Socket,
  id: Identity,
  port: number,
  scheduler: IoScheduler,
): Promise<Connection<RawAppMessage, ShellConnectionMetadata>> {
  return establish(socket, {
    identity: id,
    version,
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    remote: { ip: HOST, port },
    listeningPort: undefined,
    expectedProofOfWork: 0,
    messageEncoding: benchEncoding,
    scheduler,
  });
}

/**
 * The lanes' connect → handshake → close cycles against the node; a cycle ends when the node has
 * closed its end of the socket too. Returns cycles per second over `ms` (at most `maxCycles`).
 */
async function cycleRate(
  port: number,
  lanes: readonly Lane[],
  scheduler: IoScheduler,
  failures: string[],
  ms: number,
  maxCycles: number,
): Promise<number> {
  const end = performance.now() + ms;
  const t0 = performance.now();
  let done = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (let i = 0; performance.now() < end && done < maxCycles; i++) {
        try {
          const socket = await dial(port, lane.from);
          const closed = new Promise((r) => socket.once('close', r));
          const conn = await clientHandshake(socket, lane.ids[i % lane.ids.length]!, port, scheduler);
          conn.close();
          await closed;
          done++;
        } catch (e) {
          failures.push(e instanceof Error ? e.message : String(e));
          await sleep(10);
        }
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

/** GET /network/self every 100 ms from 127.0.0.1 (each bounded by 1 s) until stopped. */
function probeSelf(port: number): { stop(): Promise<{ asked: number; answered: number }> } {
  let running = true;
  let asked = 0;
  let answered = 0;
  const loop = (async () => {
    while (running) {
      asked++;
      try {
        const r = await fetch(`http://${HOST}:${port}/network/self`, { signal: AbortSignal.timeout(1_000) });
        if (r.status === 200) answered++;
        await r.body?.cancel();
      } catch {
        // refused or timed out: counted as not answered
      }
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { asked, answered };
    },
  };
}

export async function runRpcAttack(): Promise<{ figures: Figure[]; notes: string[] }> {
  const lanes: Lane[] = [];
  for (let i = 0; i < LANES; i++) {
    const ids: Identity[] = [];
    for (let k = 0; k < IDS_PER_LANE; k++) ids.push(await generateIdentity({ difficulty: 0, workers: 0 }));
    lanes.push({ ids, from: `127.0.0.${2 + i}` });
  }
  // Every RPC limit at its default: the node as an operator starts it.
  const node = new NodeProcess(await freePort(), await freePort());
  const scheduler = new IoScheduler();
  const failures: string[] = [];
  const measure = () => cycleRate(node.p2pPort, lanes, scheduler, failures, SAMPLE_MS, SAMPLE_MAX_CYCLES);
  let attacker: Attacker | undefined;
  try {
    await node.ready();
    await cycleRate(node.p2pPort, lanes, scheduler, failures, WARMUP_MS, SAMPLE_MAX_CYCLES);
    const fdsBefore = node.fds();
    // Rounds alternate a sample without attack and one under attack, so that a change in the
    // machine's load (other processes) weighs on both alike.
    const baseline: number[] = [];
    const underControl: number[] = [];
    const underAttack: number[] = [];
    let attackFailures = 0;
    let peakFds = 0;
    let opened = 0;
    const self = { asked: 0, answered: 0 };
    for (let round = 0; round < SAMPLES; round++) {
      baseline.push(await measure());

      const bare = new BareResetter(SAMPLE_MS + 30_000);
      attacker = new Attacker(await bare.port, SAMPLE_MS + 30_000);
      await attacker.ready;
      underControl.push(await measure());
      await attacker.stop();
      await bare.stop();

      attacker = new Attacker(node.rpcPort, SAMPLE_MS + 30_000);
      await attacker.ready;
      const failedBefore = failures.length;
      const sampler = setInterval(() => (peakFds = Math.max(peakFds, node.fds())), 50);
      const probe = probeSelf(node.rpcPort);
      underAttack.push(await measure());
      const asked = await probe.stop();
      clearInterval(sampler);
      self.asked += asked.asked;
      self.answered += asked.answered;
      attackFailures += failures.length - failedBefore;
      opened += await attacker.stop();
      attacker = undefined;
      // The attacker's sockets are closed; the node lets them go before the next baseline sample.
      for (let i = 0; i < 250 && node.fds() > fdsBefore + 8; i++) await sleep(20);
    }
    const capWarnings = node.warnings.filter((l) => l.includes('cap reached')).length;

    const figures: Figure[] = [
      {
        name: `P2P accept rate under slow-body attack (${LANES} clients, connect → handshake → close)`,
        value: median(underAttack),
        unit: 'handshakes/s',
        baseline: { name: 'same clients, no attack', value: median(baseline) },
      },
      {
        name: 'P2P accept rate under the attack, against the same attack aimed at a bare resetting server',
        value: median(underAttack),
        unit: 'handshakes/s',
        baseline: { name: 'attack on a bare server (the machine shared alike)', value: median(underControl) },
        target: { min: 0.8, description: '≥ 80 %: the node adds little to what the flood costs anyway' },
      },
      {
        name: 'failed P2P handshakes during the attack',
        value: attackFailures,
        unit: 'handshakes',
        target: { max: 0, on: 'value', description: 'none' },
      },
      {
        name: 'node descriptors at the peak of the attack',
        value: peakFds,
        unit: 'descriptors',
        baseline: { name: 'before the attack', value: fdsBefore },
        target: { max: fdsBefore + 100 + 8, on: 'value', description: 'before + the RPC cap (100) + 8' },
      },
      {
        name: 'GET /network/self answered during the attack (another address)',
        value: self.asked === 0 ? 0 : self.answered / self.asked,
        unit: 'of requests',
      },
      {
        name: 'cap warnings the node logged per attack (total and per-address caps)',
        value: capWarnings / SAMPLES,
        unit: 'lines',
        target: { max: 2, on: 'value', description: 'one per cap per burst' },
      },
    ];
    return {
      figures,
      notes: [
        `Attack: ${ATTACK_SOCKETS} slow sockets from a separate process, ${ATTACK_PER_SOURCE} from each of ${ATTACK_SOURCES} addresses (127.0.9.x), each sending a PATCH's headers with Content-Length 60000 and then one byte every ${TRICKLE_MS / 1000} s; a socket closed or refused is re-opened ${REOPEN_MS / 1000} s later (${opened} connects over the ${SAMPLES} attacks).`,
        'The node is `tzp2p run` with every RPC limit at its default: 100 RPC connections in all, 32 per address, so 4 attacking addresses fill the total and /network/self from another address is refused while they hold it (each socket until the 30 s request timeout, and the attacker re-opens); P2P is not concerned.',
        `Accept rate: median of ${SAMPLES} samples of ${SAMPLE_MS / 1000} s per phase after ${WARMUP_MS / 1000} s of warm-up, the phases alternating (no attack, attack on a bare server that resets every connection in a process of its own, attack on the node; the attacker starts afresh for each); each cycle dials from the lane's own address (127.0.0.2…), completes the handshake through the node's accept path, closes, and waits for the node to close its end. Every phase against the same node process; the attacker process shares the machine's cores, which is what the bare-server phase measures.`,
      ],
    };
  } finally {
    await attacker?.stop();
    scheduler.stop();
    await node.stop();
  }
}

export const rpcAttackSuite: Suite = {
  name: 'rpc-attack',
  title: 'P2P accept rate while the RPC is under a slow-body attack',
  run: runRpcAttack,
};
