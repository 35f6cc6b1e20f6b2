import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '@tezos-p2p/p2p';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import type { MemoryClientCommand, MemoryClientMessage } from '../workers/memory-client.js';
import type { MemoryNodeCommand, MemoryNodeMessage } from '../workers/memory-node.js';

const CHAIN = 'TEZOS_BENCH_MEMORY';
const HOST = '127.0.0.1';
const MiB = 2 ** 20;
const CLIENTS = 4;
const PER_CLIENT = 25;
const CONNECTIONS = CLIENTS * PER_CLIENT;
/** What each connection may hold outside the budgets (docs/LIMITS.md): ciphertext handed to its socket, a read held while stalled. */
const UNBUDGETED_PER_CONNECTION = 1.4 * MiB;
/** How long an attack may take to reach its steady state before it is measured anyway. */
const ATTACK_BOUND_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A forked worker and its replies, taken by type in arrival order. */
class Worker<C, M extends { readonly type: string }> {
  private readonly child: ChildProcess;
  private readonly inbox: M[] = [];
  private wake: (() => void) | undefined;
  readonly exited: Promise<unknown>;

  constructor(script: string, execArgv: string[] = []) {
    this.child = fork(fileURLToPath(new URL(`../workers/${script}`, import.meta.url)), { stdio: 'inherit', execArgv });
    this.exited = new Promise((r) => this.child.once('exit', r));
    this.child.on('message', (m: M) => {
      this.inbox.push(m);
      this.wake?.();
    });
  }

  send(c: C): void {
    this.child.send(c as object);
  }

  async next<T extends M['type']>(type: T): Promise<Extract<M, { type: T }>> {
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Extract<M, { type: T }>;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  async ask<T extends M['type']>(c: C, type: T): Promise<Extract<M, { type: T }>> {
    this.send(c);
    return this.next(type);
  }
}

type NodeWorker = Worker<MemoryNodeCommand, MemoryNodeMessage>;
type Measured = Extract<MemoryNodeMessage, { type: 'measured' }>;

interface Attack {
  readonly label: string;
  readonly echo: boolean;
  /** Message size, 4-byte prefix included. */
  readonly size: number;
  readonly perConnection: number;
}

interface AttackResult {
  readonly idle: Measured;
  readonly attacked: Measured;
  readonly seconds: number;
}

/**
 * A fresh node process with the default limits and 100 peers from 4 client processes: measured idle
 * once all are connected, then while every peer sends `size`-byte messages and reads nothing, once
 * the node has stopped reading (every connection waits for the budget, no byte came in for a second).
 */
async function attack(a: Attack): Promise<AttackResult> {
  const node: NodeWorker = new Worker('memory-node.js', ['--expose-gc']);
  const { port } = await node.ask({ type: 'start', host: HOST, chainName: CHAIN, echo: a.echo }, 'listening');
  const clients = Array.from(
    { length: CLIENTS },
    () => new Worker<MemoryClientCommand, MemoryClientMessage>('memory-client.js'),
  );
  try {
    clients.forEach((c, k) =>
      c.send({
        type: 'start',
        input: {
          host: HOST,
          port,
          chainName: CHAIN,
          count: PER_CLIENT,
          sources: Array.from({ length: 8 }, (_, i) => `127.0.${110 + k}.${i + 1}`),
        },
      }),
    );
    for (const r of await Promise.all(clients.map((c) => c.next('ready')))) {
      if (r.failed > 0) throw new Error(`${a.label}: ${r.failed} client connections failed, e.g. ${r.firstError}`);
    }
    for (let i = 0; i < 250 && (await node.ask({ type: 'status' }, 'status')).connections < CONNECTIONS; i++)
      await sleep(20);
    await sleep(500);
    const idle = await node.ask({ type: 'measure' }, 'measured');
    if (idle.connections !== CONNECTIONS)
      throw new Error(`${a.label}: ${idle.connections} of ${CONNECTIONS} connections`);

    const t0 = performance.now();
    for (const c of clients) c.send({ type: 'flood', size: a.size, count: a.perConnection });
    let last = -1;
    let still = 0;
    for (;;) {
      await sleep(250);
      const s = await node.ask({ type: 'status' }, 'status');
      still = s.received === last ? still + 1 : 0;
      last = s.received;
      if ((s.read.waiting === CONNECTIONS && still >= 4) || performance.now() - t0 > ATTACK_BOUND_MS) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { idle, attacked: await node.ask({ type: 'measure' }, 'measured'), seconds };
  } finally {
    for (const c of clients) c.send({ type: 'stop' });
    node.send({ type: 'stop' });
    await Promise.all([node.exited, ...clients.map((c) => c.exited)]);
  }
}

/** The heaviest first. */
const ATTACKS: readonly Attack[] = [
  { label: '--echo, 1 MiB messages', echo: true, size: MiB, perConnection: 100 },
  { label: '--echo, 100 MiB messages', echo: true, size: DEFAULT_LIMITS.maxMessageSize, perConnection: 3 },
  { label: 'no application, 100 MiB messages', echo: false, size: DEFAULT_LIMITS.maxMessageSize, perConnection: 3 },
];

const IDLE = 'same node, 100 idle connections';

function figures(a: Attack, r: AttackResult): Figure[] {
  const { idle, attacked } = r;
  const budgets = attacked.read.total + (a.echo ? attacked.write.total : 0);
  const bound = budgets + CONNECTIONS * UNBUDGETED_PER_CONNECTION;
  return [
    {
      name: `${a.label}: rss`,
      value: attacked.rss / MiB,
      unit: 'MiB',
      baseline: { name: IDLE, value: idle.rss / MiB },
      target: { max: 1024, on: 'value', description: '≤ 1 GiB' },
    },
    {
      name: `${a.label}: heap + external`,
      value: attacked.heapExternal / MiB,
      unit: 'MiB',
      baseline: { name: IDLE, value: idle.heapExternal / MiB },
    },
    {
      name: `${a.label}: heap + external above idle`,
      value: (attacked.heapExternal - idle.heapExternal) / MiB,
      unit: 'MiB',
      target: {
        max: bound / MiB,
        on: 'value',
        description: `≤ ${(bound / MiB).toFixed(0)} MiB: budget${a.echo ? 's' : ''} + 100 × 1.4 MiB`,
      },
    },
    {
      name: `${a.label}: read budget peak`,
      value: attacked.read.peak / MiB,
      unit: 'MiB',
      target: {
        max: attacked.read.total / MiB,
        on: 'value',
        description: `≤ ${(attacked.read.total / MiB).toFixed(0)} MiB`,
      },
    },
    ...(a.echo
      ? [
          {
            name: `${a.label}: write budget peak`,
            value: attacked.write.peak / MiB,
            unit: 'MiB',
            target: {
              max: attacked.write.total / MiB,
              on: 'value' as const,
              description: `≤ ${(attacked.write.total / MiB).toFixed(0)} MiB`,
            },
          },
        ]
      : []),
    {
      name: `${a.label}: peers stalled by the budget`,
      value: attacked.read.waiting,
      unit: 'peers',
      target: { min: CONNECTIONS, description: `all ${CONNECTIONS}` },
    },
  ];
}

/**
 * The node's memory while 100 peers send large messages and read nothing, against its memory budgets
 * and against the same node idle with the same 100 connections, measured in the same run. Each attack
 * gets a fresh node process (rss does not come back down after an attack).
 */
export const memorySuite: Suite = {
  name: 'memory',
  title: 'Memory under 100 peers that send large messages and never read',
  async run() {
    const out: Figure[] = [];
    const notes: string[] = [];
    for (const a of ATTACKS) {
      const r = await attack(a);
      out.push(...figures(a, r));
      notes.push(
        `${a.label}: measured ${r.seconds.toFixed(1)} s after the flood began, ${(r.attacked.received / MiB).toFixed(0)} MiB received by the node.`,
      );
    }
    return {
      figures: out,
      notes: [
        `A node process with the default limits (maintenance off): budgets of 100 × 1 MiB + 256 MiB (read) and 100 × 1 MiB + 128 MiB (write); ${CLIENTS} client processes × ${PER_CLIENT} connections, each sending the same message over and over and reading nothing.`,
        '"no application": the node never calls recv (a library user that does not read); "--echo": every message is sent back on its connection, as `tzp2p --echo` does.',
        'Measured once every connection waits for the budget and no byte has reached the node for a second; heapUsed + external (Buffers included) after full collections; kernel socket buffers are not in the process.',
        ...notes,
      ],
    };
  },
};
