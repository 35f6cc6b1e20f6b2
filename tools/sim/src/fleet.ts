/**
 * A network spread over several processes: the coordinator forks `processes` node processes
 * (fleet-worker.ts), each holding a contiguous slice of the nodes, every node on its own loopback
 * address. The first `bootstrap` nodes (in the first process) are everyone's trusted points. The
 * coordinator polls every process for its nodes' connections and decides convergence on the whole
 * graph: every node within its maintenance thresholds, one connected component.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { P2pLimits } from '@tezos-p2p/p2p';
import type { FleetCommand, FleetPoint, FleetReply } from './fleet-protocol.js';
import { countComponents } from './graph.js';
import { SimError } from './sim-error.js';
import { type SimulationProgress, type SimulationResult, defaultNet, simLimits } from './simulate.js';

export interface FleetOptions {
  readonly nodes: number;
  /** Node processes (default: one per 250 nodes). */
  readonly processes?: number;
  /** Nodes every other node has as trusted points (default 3). */
  readonly bootstrap?: number;
  readonly limits?: Partial<P2pLimits>;
  /** Give up after this long (default 300 s). */
  readonly timeoutMs?: number;
  /** Second octet of the loopback addresses 127.<net>.x.y (default from the process id). */
  readonly net?: number;
  /** Extra Node.js options for the node processes (e.g. --cpu-prof, --max-old-space-size=8192). */
  readonly execArgv?: readonly string[];
  /** Called after every poll of the processes (about every 250 ms) and once at the end. */
  readonly onProgress?: (p: SimulationProgress) => void;
}

export interface FleetResult extends SimulationResult {
  readonly processes: number;
  /** Nodes' memory: heapUsed + external after full collections, less each process's before its nodes started. */
  readonly memoryPerNodeBytes: number;
  /** Resident set of the node processes, in all, at convergence (or the deadline). */
  readonly rssBytes: number;
  /** From the clock's start until the last node listened (the nodes start one by one in each process). */
  readonly startSeconds: number;
}

/** Most nodes per process this module defaults to: 250 nodes × ≤ 16 connections stays far below a 20,000-descriptor limit. */
const NODES_PER_PROCESS = 250;
const POLL_MS = 250;

class NodeProcess {
  private readonly child: ChildProcess;
  private readonly inbox: FleetReply[] = [];
  /** Every pending ask waits here: a start and the polls run at the same time. */
  private waiters: (() => void)[] = [];
  private exited: number | null | undefined;

  constructor(
    readonly first: number,
    readonly count: number,
    execArgv: readonly string[],
  ) {
    this.child = fork(workerPath(), {
      stdio: 'inherit',
      serialization: 'advanced',
      execArgv: ['--expose-gc', ...execArgv],
    });
    this.child.on('message', (m: FleetReply) => {
      this.inbox.push(m);
      this.wakeAll();
    });
    this.child.on('exit', (code) => {
      this.exited = code;
      this.wakeAll();
    });
  }

  async ask<T extends FleetReply['type']>(command: FleetCommand, type: T): Promise<Extract<FleetReply, { type: T }>> {
    this.child.send(command);
    for (;;) {
      const failed = this.inbox.find((m) => m.type === 'failed');
      if (failed?.type === 'failed')
        throw new SimError('SIM_PROCESS_FAILED', `node process ${this.first}+${this.count}: ${failed.message}`);
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<FleetReply, { type: T }>;
      if (this.exited !== undefined)
        throw new SimError('SIM_PROCESS_EXITED', `node process ${this.first}+${this.count} exited (${this.exited})`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies FleetCommand);
    else this.child.kill('SIGKILL');
    await gone;
    clearTimeout(kill);
  }
}

function workerPath(): string {
  // Under vitest this module runs from src/*.ts; the worker is always the built one (tests depend on build).
  return import.meta.url.endsWith('.ts')
    ? fileURLToPath(new URL('../dist/fleet-worker.js', import.meta.url))
    : fileURLToPath(new URL('./fleet-worker.js', import.meta.url));
}

function checkOptions(o: FleetOptions, processes: number, bootstrap: number): void {
  const bad = (why: string) => new SimError('SIM_INVALID_OPTIONS', why);
  if (!Number.isInteger(o.nodes) || o.nodes < 2 || o.nodes > 60_000)
    throw bad(`nodes must be 2..60000, got ${o.nodes}`);
  if (!Number.isInteger(processes) || processes < 1 || processes > o.nodes)
    throw bad(`processes must be 1..nodes (${o.nodes}), got ${processes}`);
  if (
    !Number.isInteger(bootstrap) ||
    bootstrap < 1 ||
    bootstrap > Math.min(o.nodes, NODES_PER_PROCESS) ||
    bootstrap > Math.ceil(o.nodes / processes)
  )
    throw bad(`bootstrap must be 1..the first process's share of nodes, got ${bootstrap}`);
}

/** Run the network until it converges or the deadline passes; the processes are stopped either way. */
export async function simulateFleet(o: FleetOptions): Promise<FleetResult> {
  const processes = o.processes ?? Math.max(1, Math.ceil(o.nodes / NODES_PER_PROCESS));
  const bootstrap = o.bootstrap ?? 3;
  checkOptions(o, processes, bootstrap);
  const { limits, bounds } = simLimits(o.limits);
  const net = o.net ?? defaultNet();
  const share = Math.ceil(o.nodes / processes);
  const slices = Array.from({ length: processes }, (_, p) => ({
    first: p * share,
    count: Math.max(0, Math.min(share, o.nodes - p * share)),
  })).filter((s) => s.count > 0);
  const procs = slices.map((s) => new NodeProcess(s.first, s.count, o.execArgv ?? []));
  try {
    const ids = await Promise.all(
      procs.map((p) => p.ask({ type: 'init', first: p.first, count: p.count, net, limits }, 'identities')),
    );
    const peerIds = ids.flatMap((r) => r.peerIds);
    await Promise.all(procs.map((p) => p.ask({ type: 'directory', peerIds }, 'directory-set')));

    const start = performance.now();
    const seeds: readonly FleetPoint[] = (
      await procs[0]!.ask({ type: 'start', first: 0, count: bootstrap, trusted: [], chain: true }, 'started')
    ).points;
    const started = Promise.all(
      procs.map((p) => {
        const first = p.first === 0 ? bootstrap : p.first;
        const count = p.first + p.count - first;
        return count > 0 ? p.ask({ type: 'start', first, count, trusted: seeds, chain: false }, 'started') : undefined;
      }),
    );
    let startFailure: unknown;
    let startSeconds = Number.NaN;
    started.then(
      () => (startSeconds = (performance.now() - start) / 1000),
      (e: unknown) => (startFailure = e),
    );

    const deadline = start + (o.timeoutMs ?? 300_000);
    for (;;) {
      if (startFailure !== undefined) throw startFailure;
      const states = await Promise.all(procs.map((p) => p.ask({ type: 'report' }, 'state')));
      const neighbours = states.flatMap((s) => s.neighbours);
      const degrees = neighbours.map((n) => n.length);
      const within = degrees.filter((d) => d >= bounds.minThreshold && d <= bounds.maxThreshold).length;
      const comps = countComponents(o.nodes, (i) => neighbours[i]!);
      const connections = states.reduce((a, s) => a + s.outgoing.reduce((x, y) => x + y, 0), 0);
      const elapsed = performance.now() - start;
      const converged = within === o.nodes && comps === 1;
      o.onProgress?.({ elapsedMs: elapsed, withinThresholds: within, components: comps, connections });
      if (converged || performance.now() > deadline) {
        await started.catch(() => undefined);
        const memory = await Promise.all(procs.map((p) => p.ask({ type: 'measure' }, 'memory')));
        const nodeBytes = memory.reduce((a, m) => a + (m.bytes - m.idleBytes), 0);
        return {
          nodes: o.nodes,
          processes: procs.length,
          converged,
          seconds: elapsed / 1000,
          connections,
          degrees: {
            min: Math.min(...degrees),
            max: Math.max(...degrees),
            mean: degrees.reduce((a, b) => a + b, 0) / degrees.length,
          },
          components: comps,
          memoryPerNodeBytes: nodeBytes / o.nodes,
          rssBytes: memory.reduce((a, m) => a + m.rss, 0),
          startSeconds,
        };
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}
