/**
 * A fake clock for asynchronous cases. While installed, the global `setTimeout` / `setInterval` (which
 * the libraries call) store their callbacks instead of scheduling them: a case then decides when
 * "time passes" (`advance`), so a handshake deadline fires in microseconds and deterministically, and
 * whatever timer is still pending when a case has settled was leaked.
 *
 * Cases run one at a time, so one global clock suffices (no async-context tracking, which would tax
 * every promise of the case). `setImmediate` and `process.nextTick` stay real: they are how streams
 * move bytes, and `settleWithin` counts them.
 */

/** The real timers, captured at load, for the harness's own watchdogs. */
export const realTimers = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate } as const;

interface FakeTimer {
  readonly id: number;
  due: number;
  readonly every: number | undefined;
  readonly callback: (...args: unknown[]) => void;
  readonly args: unknown[];
}

/** A handle shaped like Node's Timeout, for callers that `unref()` or `refresh()` it. */
class FakeHandle {
  constructor(
    readonly id: number,
    private readonly clock: FakeClock,
  ) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    this.clock.refresh(this.id);
    return this;
  }
  close(): this {
    this.clock.clear(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export class FakeClock {
  private now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();
  private installed = false;

  /** Timers armed and neither fired (timeouts) nor cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Replace the global timer functions; returns `uninstall`. */
  install(): () => void {
    if (this.installed) throw new Error('FakeClock already installed');
    this.installed = true;
    const arm = (every: boolean) =>
      ((callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const delay = Math.max(1, Number(ms) || 0);
        const t: FakeTimer = {
          id: this.nextId++,
          due: this.now + delay,
          every: every ? delay : undefined,
          callback,
          args,
        };
        this.timers.set(t.id, t);
        return new FakeHandle(t.id, this);
      }) as unknown;
    const clear = ((h: unknown) => this.clear(h)) as unknown;
    Object.assign(globalThis, {
      setTimeout: arm(false),
      setInterval: arm(true),
      clearTimeout: clear,
      clearInterval: clear,
    });
    return () => {
      Object.assign(globalThis, {
        setTimeout: realTimers.setTimeout,
        setInterval: realTimers.setInterval,
        clearTimeout: realTimers.clearTimeout,
        clearInterval: realTimers.clearInterval,
      });
      this.installed = false;
    };
  }

  clear(h: unknown): void {
    if (h instanceof FakeHandle) this.timers.delete(h.id);
    else if (typeof h === 'number') this.timers.delete(h);
  }

  refresh(id: number): void {
    const t = this.timers.get(id);
    if (t !== undefined) t.due = this.now + (t.every ?? 1);
  }

  /**
   * Move time forward by `ms`, firing every timer that falls due, earliest first (intervals re-arm).
   * Returns the number of callbacks run.
   */
  advance(ms: number): number {
    const target = this.now + ms;
    let fired = 0;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers.values()) if (t.due <= target && (next === undefined || t.due < next.due)) next = t;
      if (next === undefined) break;
      this.now = next.due;
      if (next.every === undefined) this.timers.delete(next.id);
      else next.due += next.every;
      fired++;
      next.callback(...next.args);
    }
    this.now = target;
    return fired;
  }

  /** Forget every timer (after a case, whatever its outcome). */
  reset(): void {
    this.timers.clear();
  }
}

const turn = () => new Promise<void>((resolve) => realTimers.setImmediate(resolve));

/**
 * Whether `p` settles within `turns` event-loop turns. Streams move bytes with `nextTick` and
 * `setImmediate`, so a step that can make progress without a timer makes it in a few turns; one still
 * pending after many is waiting for time (or stuck). Counted in turns, not milliseconds, so a loaded
 * machine cannot turn a slow case into a false hang.
 */
export async function settlesWithin(p: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  p.then(mark, mark);
  for (let i = 0; i < turns && !settled; i++) await turn();
  return settled;
}

/** One event-loop turn (a real `setImmediate`). */
export function nextTurn(): Promise<void> {
  return turn();
}
