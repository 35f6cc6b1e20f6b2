import { MemoryBudget, type MemoryBudgetOptions, UNLIMITED_MEMORY } from './memory-budget.js';
import { MovingAverage } from './moving-average.js';

/** The reading side of one connection: it flows until the regulator closes its gate. */
export interface RegulatedReader {
  /** Fair share left this period (bytes); spent first by connections that read less. */
  quota: number;
  readonly counter: MovingAverage;
  /** Called when the gate opens or closes; the connection then pauses or resumes its socket. */
  gateChanged(open: boolean): void;
}

/** The writing side of one connection, as the write scheduler sees it. */
export interface ScheduledIo {
  /** Bytes this side may move before it falls back to the low-priority queue (fair share). */
  quota: number;
  readonly counter: MovingAverage;
  /** Has work that can be done right now. */
  ready(): boolean;
  /** Move at most about `max` bytes (at least one unit of work); returns the bytes moved. */
  serve(max: number): number;
  /** Set by the write scheduler while this side waits in one of its queues (implementers leave it alone). */
  queued?: boolean;
}

export interface IoSchedulerOptions {
  /** Global download cap in bytes/s (`max-download-speed` × 1024). Unlimited by default. */
  readonly maxDownloadSpeed?: number | undefined;
  /** Global upload cap in bytes/s. Unlimited by default. */
  readonly maxUploadSpeed?: number | undefined;
  /** Bytes pushed to a socket per turn (default 65536: one full chunk). */
  readonly writeUnitSize?: number | undefined;
  /** Quota refresh period (default 1000 ms, Octez's moving-average refresh). */
  readonly refreshIntervalMs?: number | undefined;
  /** Bytes received from peers and not yet consumed, over every connection (default: unlimited). */
  readonly readMemory?: MemoryBudgetOptions | undefined;
  /** Bytes queued for peers and not yet handed to the kernel, over every connection (default: unlimited). */
  readonly writeMemory?: MemoryBudgetOptions | undefined;
}

const DEFAULT_WRITE_UNIT = 1 << 16;
/** Work done per event-loop turn before yielding, so one busy peer cannot stall the process. */
const TURN_BUDGET_BYTES = 4 << 20;
/**
 * Connections served per turn before yielding: a broadcast to 1,000 connections is 1,000 seals and
 * socket writes, which in one turn would hold timers and other I/O for tens of milliseconds.
 */
const TURN_BUDGET_SERVES = 64;
/**
 * And time per turn (ms): a small write is mostly its syscall, 10–40 µs on a loaded machine, so the
 * count alone lets a turn of a 1,000-connection broadcast hold the event loop for several ms.
 */
const TURN_BUDGET_MS = 1;

/**
 * One direction of `P2p_io_scheduler.Scheduler`: connections with work wait in a high queue while
 * they have quota left and in a low queue otherwise; with a speed cap, a global token bucket (debt
 * carried over) stops the loop until the next refresh.
 */
class DirectionScheduler {
  readonly counter = new MovingAverage();
  quota: number;
  private readonly high: ScheduledIo[] = [];
  private readonly low: ScheduledIo[] = [];
  private pumpScheduled = false;
  readonly members = new Set<ScheduledIo>();

  constructor(
    readonly maxSpeed: number | undefined,
    private readonly unit: number,
  ) {
    this.quota = maxSpeed ?? 0;
  }

  notify(io: ScheduledIo): void {
    // A flag on the connection rather than a Set of queued ones: a broadcast queues and serves 1,000
    // connections a round, and the Set's table, regrown and shrunk each time, ended in the old
    // generation — a major collection every second or so, with pauses of several ms.
    if (io.queued === true || !this.members.has(io)) return;
    io.queued = true;
    (io.quota > 0 ? this.high : this.low).push(io);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    let budget = TURN_BUDGET_BYTES;
    let serves = 0;
    const deadline = performance.now() + TURN_BUDGET_MS;
    while (budget > 0 && serves++ < TURN_BUDGET_SERVES) {
      if (this.maxSpeed !== undefined && this.quota < 0) return; // wait for the refresh
      const fromHigh = this.high.length > 0;
      const io = fromHigh ? this.high.shift() : this.low.shift();
      if (io === undefined) return;
      io.queued = false;
      if (!this.members.has(io) || !io.ready()) continue;
      const n = io.serve(this.unit);
      this.counter.add(n);
      io.counter.add(n);
      if (this.maxSpeed !== undefined) this.quota -= n;
      if (fromHigh) io.quota -= n;
      budget -= Math.max(n, 1);
      if (io.ready()) this.notify(io);
      if (performance.now() >= deadline) break;
    }
    if (this.high.length + this.low.length > 0) this.schedulePump();
  }

  /** Octez `update_quota`: refill the bucket, promote connections that regained quota. */
  refill(): void {
    if (this.maxSpeed !== undefined) this.quota = Math.min(this.quota, 0) + this.maxSpeed;
    for (let i = 0; i < this.low.length;) {
      const io = this.low[i]!;
      if (io.quota > 0) {
        this.low.splice(i, 1);
        this.high.push(io);
      } else i++;
    }
    if (this.high.length + this.low.length > 0) this.schedulePump();
  }
}

/**
 * The read direction. Sockets flow (Node delivers what the kernel has, up to 64 KiB a read) and every
 * byte is accounted here; with a download cap, once the global token bucket is spent every
 * connection's gate closes (sockets paused: the kernel buffers, then the TCP window closes) until the
 * next refresh, when connections that used less than their fair share are let in first.
 */
class ReadRegulator {
  readonly counter = new MovingAverage();
  quota: number;
  open = true;
  readonly members = new Set<RegulatedReader>();
  private reopenTimer: NodeJS.Immediate | undefined;

  constructor(readonly maxSpeed: number | undefined) {
    this.quota = maxSpeed ?? 0;
  }

  account(r: RegulatedReader, n: number): void {
    this.counter.add(n);
    r.counter.add(n);
    r.quota -= n;
    if (this.maxSpeed === undefined) return;
    this.quota -= n;
    if (this.quota < 0 && this.open) {
      this.open = false;
      for (const m of this.members) m.gateChanged(false);
    }
  }

  /** Octez `update_quota` for reads: refill, then reopen — fair-share holders first. */
  refill(): void {
    if (this.maxSpeed === undefined) return;
    this.quota = Math.min(this.quota, 0) + this.maxSpeed;
    if (this.open || this.quota < 0) return;
    this.open = true;
    const late: RegulatedReader[] = [];
    for (const m of this.members) {
      if (m.quota > 0) m.gateChanged(true);
      else late.push(m);
    }
    if (this.reopenTimer) clearImmediate(this.reopenTimer);
    this.reopenTimer = setImmediate(() => {
      this.reopenTimer = undefined;
      if (this.open) for (const m of late) if (this.members.has(m)) m.gateChanged(true);
    });
  }

  cancel(): void {
    if (this.reopenTimer) clearImmediate(this.reopenTimer);
    this.reopenTimer = undefined;
  }
}

/** Global I/O statistics (`P2p_stat.t`). */
export interface IoStat {
  readonly totalSent: number;
  readonly totalRecv: number;
  /** Bytes per second, moving average. */
  readonly currentInflow: number;
  readonly currentOutflow: number;
}

/**
 * What all connections of a node share (`P2p_io_scheduler`): bandwidth regulation — global caps,
 * fair per-connection shares recomputed every second from the moving average of the global rate —
 * and the memory budgets their queues draw on (as Octez's scheduler holds the queue sizes). The
 * refresh timer only runs while connections are registered.
 */
export class IoScheduler {
  readonly read: ReadRegulator;
  readonly write: DirectionScheduler;
  /** Each connection opens an account on both when it is created and closes them when it closes. */
  readonly memory: { readonly read: MemoryBudget; readonly write: MemoryBudget };
  private readonly refreshMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;

  constructor(opts: IoSchedulerOptions = {}) {
    for (const [k, v] of [
      ['maxDownloadSpeed', opts.maxDownloadSpeed],
      ['maxUploadSpeed', opts.maxUploadSpeed],
    ] as const) {
      if (v !== undefined && !(v > 0)) throw new RangeError(`${k} must be positive (bytes per second), got ${v}`);
    }
    this.read = new ReadRegulator(opts.maxDownloadSpeed);
    this.write = new DirectionScheduler(opts.maxUploadSpeed, opts.writeUnitSize ?? DEFAULT_WRITE_UNIT);
    this.refreshMs = opts.refreshIntervalMs ?? 1000;
    this.memory = {
      read: new MemoryBudget(opts.readMemory ?? UNLIMITED_MEMORY),
      write: new MemoryBudget(opts.writeMemory ?? UNLIMITED_MEMORY),
    };
  }

  /**
   * A connection's two sides; undone by `unregister(read, write)` or by calling what this returns. The
   * members sets are the registry (no pair object per connection: an idle connection should cost little).
   */
  register(read: RegulatedReader, write: ScheduledIo): () => void {
    this.read.members.add(read);
    this.write.members.add(write);
    if (this.timer === undefined) {
      this.lastRefresh = performance.now();
      this.timer = setInterval(() => this.refresh(), this.refreshMs);
    }
    return () => this.unregister(read, write);
  }

  unregister(read: RegulatedReader, write: ScheduledIo): void {
    this.read.members.delete(read);
    this.write.members.delete(write);
    if (this.read.members.size === 0 && this.write.members.size === 0) {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.timer = undefined;
      this.read.cancel();
    }
  }

  get connectionCount(): number {
    return this.read.members.size;
  }

  /**
   * Moving-average refresh then `reset_quota`: each connection gets the global average ÷ n. Runs on
   * the timer; `elapsedMs` (default: measured) is exposed for deterministic tests.
   */
  refresh(elapsedMs?: number): void {
    const now = performance.now();
    const elapsed = elapsedMs ?? now - this.lastRefresh;
    this.lastRefresh = now;
    this.read.counter.update(elapsed);
    this.write.counter.update(elapsed);
    for (const r of this.read.members) r.counter.update(elapsed);
    for (const w of this.write.members) w.counter.update(elapsed);
    const n = this.read.members.size;
    if (n > 0) {
      const fairRead = Math.floor(this.read.counter.average / n);
      const fairWrite = Math.floor(this.write.counter.average / n);
      for (const r of this.read.members) r.quota = Math.min(r.quota, 0) + fairRead;
      for (const w of this.write.members) w.quota = Math.min(w.quota, 0) + fairWrite;
    }
    this.read.refill();
    this.write.refill();
  }

  stat(): IoStat {
    return {
      totalSent: this.write.counter.total,
      totalRecv: this.read.counter.total,
      currentInflow: this.read.counter.average,
      currentOutflow: this.write.counter.average,
    };
  }

  /** Stop the timer; registered connections keep working without regulation refreshes. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.read.cancel();
  }
}
