/**
 * Time as every component sees it. Injected everywhere so that state machines, back-off delays and
 * greylist expiry can be tested on a fake clock; `systemClock` in production.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(f: () => void, ms: number): TimerHandle;
  clearTimeout(h: TimerHandle): void;
}

/** An armed timer, as returned by `Clock.setTimeout`; only the clock that armed it can clear it. */
export interface TimerHandle {
  /**
   * Let the process exit while this timer is pending, for housekeeping timers (countdowns, autosaves)
   * that alone should not keep it alive; a no-op on clocks that have no process to keep alive.
   */
  unref(): void;
}

/** A real timer, wrapped so that its handle is typed on every runtime. */
class SystemTimer implements TimerHandle {
  constructor(readonly timer: ReturnType<typeof setTimeout>) {}

  unref(): void {
    this.timer.unref?.();
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (f, ms) => new SystemTimer(setTimeout(f, ms)),
  clearTimeout: (h) => {
    if (h instanceof SystemTimer) clearTimeout(h.timer);
  },
};

/** Sleep on a clock; rejects with the signal's reason when aborted, leaving no timer behind. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(h);
      reject(signal!.reason);
    };
    const h = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class FakeTimer implements TimerHandle {
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly f: () => void,
  ) {}

  unref(): void {}
}

/**
 * A manual clock for tests: time moves only through `advance`, which runs due timers in order (and
 * lets promise callbacks settle between them).
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(f: () => void, ms: number): TimerHandle {
    const timer = new FakeTimer(this.t + Math.max(0, ms), ++this.seq, f);
    this.timers.set(timer.seq, timer);
    return timer;
  }

  clearTimeout(h: TimerHandle): void {
    if (h instanceof FakeTimer && this.timers.get(h.seq) === h) this.timers.delete(h.seq);
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing due timers in time order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers.values())
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.timers.delete(next.seq);
      this.t = next.at;
      next.f();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.t = end;
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

/** Randomness as components see it (shuffles, random points), seeded in tests. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

export const systemRng: Rng = { next: () => Math.random() };

/** A small deterministic generator (mulberry32) for reproducible tests. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
