import { jsonLine } from './json-lines.js';
import type { LineSource } from './streams.js';
import type { NodeP2p } from './types.js';

/**
 * For ring changes no bus record follows (a failed dial that resets a point, a Nack's point reset
 * after the reply is written): the pool's rings have no watcher of their own yet.
 */
const POLL_MS = 500;

/**
 * Wakes a reader when something may have changed: at each pool event (published after the state it
 * announces, so no turn needs to pass) and every `POLL_MS`. Wake-ups are level-triggered: one that
 * comes while nobody waits is kept for the next `wait`.
 */
class ChangeSignal {
  private dirty = false;
  private closed = false;
  private waiter: ((alive: boolean) => void) | undefined;
  private readonly sub: ReturnType<NodeP2p['events$']['subscribe']>;
  private readonly timer: NodeJS.Timeout;

  constructor(p2p: NodeP2p) {
    this.sub = p2p.events$.subscribe({ next: () => this.wake(), complete: () => this.close() });
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
  }

  private wake(): void {
    this.dirty = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(true);
  }

  /** Resolves true on a change, false once closed. */
  wait(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sub.unsubscribe();
    clearInterval(this.timer);
    const w = this.waiter;
    this.waiter = undefined;
    w?.(false);
  }
}

/** The entries of `now` after `last` (by identity), or all of them once `last` has left the ring. */
function after<T>(now: readonly T[], last: T | undefined): readonly T[] {
  if (last === undefined) return now;
  const i = now.lastIndexOf(last);
  return i < 0 ? now : now.slice(i + 1);
}

/**
 * `GET /network/{peers,points}/<id>/log?monitor`: the stored log as the first element, then each new
 * event as a one-element array (`p2p_directory.ml`). The pool's rings (100 events) have no watcher as
 * Octez's `Info.watch`, so new entries are found by diffing; a client more than a ring behind misses
 * what the ring dropped, and nothing else is buffered for it.
 */
export function ringMonitorSource<T extends object>(p2p: NodeP2p, read: () => readonly T[], toJson: (e: T) => unknown): LineSource {
  const signal = new ChangeSignal(p2p);
  async function* lines(): AsyncGenerator<string> {
    const first = read();
    let last = first.at(-1);
    yield jsonLine(first.map(toJson));
    while (await signal.wait()) {
      const now = read();
      const fresh = after(now, last);
      last = now.at(-1) ?? last;
      for (const e of fresh) yield jsonLine([toJson(e)]);
    }
  }
  return { lines: lines(), close: () => signal.close() };
}
