import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Messages from a worker, queued until asked for by type. */
export class WorkerEvents<E extends { type: string }> {
  readonly worker: Worker;
  private readonly events: E[] = [];
  private wake: (() => void) | undefined;

  /** `script`: the worker's module, e.g. `new URL('../workers/receiver.js', import.meta.url)`. */
  constructor(script: URL, workerData?: unknown) {
    this.worker = new Worker(fileURLToPath(script), { workerData });
    this.worker.on('message', (e: E) => {
      this.events.push(e);
      this.wake?.();
    });
  }

  async next<T extends E['type']>(type: T): Promise<Extract<E, { type: T }>> {
    for (;;) {
      const i = this.events.findIndex((e) => e.type === type);
      if (i >= 0) return this.events.splice(i, 1)[0] as Extract<E, { type: T }>;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await new Promise((r) => this.worker.once('exit', r));
  }
}
