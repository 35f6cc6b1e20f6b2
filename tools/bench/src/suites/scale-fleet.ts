/**
 * The client processes of the scale benchmark (workers/scale-client.ts): each opens its share of the
 * connections from its own loopback addresses and reports the delivery delays it recorded.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ScaleClientInput, ScaleClientMessage } from '../workers/scale-client.js';
import { ScaleBenchError } from './scale-error.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** A set of client processes holding connections to one server, all of one kind. */
export class Fleet {
  private constructor(
    private readonly clients: readonly ClientProcess[],
    readonly connected: number,
    readonly seconds: number,
  ) {}

  /** Start one process per input and wait until each has opened its connections. */
  static async start(inputs: readonly ScaleClientInput[]): Promise<Fleet> {
    const t0 = performance.now();
    const clients = inputs.map((input) => new ClientProcess(input));
    const ready = await Promise.all(clients.map((c) => c.next('ready')));
    const failed = ready.filter((r) => r.failed > 0);
    if (failed.length > 0) {
      await Promise.all(clients.map((c) => c.stop()));
      throw new ScaleBenchError(
        'CONNECTIONS_FAILED',
        `${inputs[0]!.mode}: ${failed.reduce((a, r) => a + r.failed, 0)} connections failed, e.g. ${failed[0]!.firstError}`,
      );
    }
    const connected = ready.reduce((a, r) => a + r.connected, 0);
    return new Fleet(clients, connected, (performance.now() - t0) / 1000);
  }

  /** Every delay (µs) recorded since the last call, waiting (≤ 5 s) until `expected` have arrived; sorted. */
  async delays(expected: number): Promise<number[]> {
    const all: number[] = [];
    for (let i = 0; i < 200 && all.length < expected; i++) {
      for (const c of this.clients) all.push(...(await c.delays()));
      if (all.length < expected) await sleep(25);
    }
    if (all.length < expected)
      throw new ScaleBenchError('DELIVERIES_MISSING', `only ${all.length} of ${expected} broadcast messages arrived`);
    return all.sort((a, b) => a - b);
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
  }
}
