import { Fifo } from './fifo.js';

/**
 * How a `MemoryBudget` is sized. Its total is `accounts × guaranteedPerAccount + shared`: each
 * account (a connection) holds up to its guaranteed slice without competing with anyone, and beyond
 * it draws on the shared pool.
 */
export interface MemoryBudgetOptions {
  /** Bytes each account may hold without touching the shared pool. */
  readonly guaranteedPerAccount: number;
  /** Bytes every account may draw on beyond its guaranteed slice, first come first served. */
  readonly shared: number;
  /**
   * Most bytes one account may hold. A single request larger than this is still granted, to an
   * account that holds nothing: a message is never refused for its size here (the size cap is
   * `maxMessageSize`), it just travels alone.
   */
  readonly perAccountCap: number;
  /** The accounts the guaranteed slices are sized for (a P2P layer's `maxConnections`). */
  readonly accounts: number;
}

/** No limit at all: what a connection made without a P2P layer gets. */
export const UNLIMITED_MEMORY: MemoryBudgetOptions = Object.freeze({
  guaranteedPerAccount: Infinity,
  shared: 0,
  perAccountCap: Infinity,
  accounts: 1,
});

export interface MemoryBudgetStat {
  /** Bytes reserved now. */
  readonly used: number;
  /** Of `used`, the bytes drawn from the shared pool (beyond the accounts' guaranteed slices). */
  readonly sharedUsed: number;
  /** The highest `used` since the budget was created. */
  readonly peak: number;
  /** `accounts × guaranteedPerAccount + shared`. */
  readonly total: number;
  readonly shared: number;
  /** Accounts waiting for room. */
  readonly waiting: number;
  /** Accounts open now. */
  readonly accounts: number;
}

interface Request {
  readonly account: BudgetAccount;
  readonly bytes: number;
  readonly granted: () => void;
  /** In the budget's FIFO (waiting for the shared pool) rather than for the account's own releases. */
  queued: boolean;
  /** Granted or cancelled: skipped when met in the FIFO. */
  done: boolean;
}

/**
 * One connection's share of a `MemoryBudget`: the bytes it holds now and at most one request
 * waiting for room (a connection has one message awaiting admission per direction at a time).
 */
export class BudgetAccount {
  /** @internal */ used = 0;
  /** @internal */ request: Request | undefined;
  /** @internal */ closed = false;

  /** @internal */
  constructor(private readonly budget: MemoryBudget) {}

  /** Bytes this account holds. */
  get reserved(): number {
    return this.used;
  }

  /** Whether a request of this account waits for room. */
  get waiting(): boolean {
    return this.request !== undefined;
  }

  /**
   * Reserve `bytes` now if they fit and nobody waits ahead for the shared pool (a reservation within
   * the guaranteed slice never waits behind others). False, and nothing reserved, otherwise.
   */
  tryReserve(bytes: number): boolean {
    return this.budget.tryReserve(this, bytes);
  }

  /**
   * `tryReserve`, or else wait: returns false and calls `granted` once the bytes are reserved, in
   * FIFO order among the accounts waiting for the shared pool. One request at a time per account;
   * closing the account cancels it.
   */
  reserve(bytes: number, granted: () => void): boolean {
    return this.budget.reserve(this, bytes, granted);
  }

  /** Give back `bytes` (no-op once closed: closing gave everything back). */
  release(bytes: number): void {
    this.budget.release(this, bytes);
  }

  /** Give everything back and cancel a waiting request; later releases are ignored. */
  close(): void {
    this.budget.close(this);
  }
}

/**
 * A memory budget in bytes shared by the connections of a P2P layer — one for what peers send us,
 * another for what we queue for them. It is accounting and admission, not allocation: whoever
 * reserves still allocates lazily; what the budget decides is whether more peer data may enter.
 *
 * Rules, for an account holding `u` bytes asking for `n` more:
 * - per-account cap: `u + n ≤ perAccountCap`, or `u = 0` (a larger message travels alone);
 * - within the guaranteed slice (`u + n ≤ guaranteedPerAccount`) it is granted at once, whoever
 *   waits: a peer exchanging ordinary small messages is never starved by others' large ones;
 * - beyond, the part above the slice comes from the shared pool, granted in FIFO order among the
 *   waiting accounts (a large message is not overtaken forever by small ones), while the pool and
 *   the total (`accounts × guaranteed + shared`, which only matters with more accounts than planned)
 *   have room;
 * - a request larger than the whole pool is granted once the pool is empty: the only way to exceed
 *   the budget, by at most that one message.
 */
export class MemoryBudget {
  readonly options: MemoryBudgetOptions;
  readonly total: number;
  private used = 0;
  private sharedUsed = 0;
  private peak = 0;
  private openAccounts = 0;
  private readonly queue = new Fifo<Request>();
  /** Live (not done) requests in `queue`. */
  private queued = 0;
  /** Requests waiting for their own account's releases (per-account cap). */
  private capWaiting = 0;
  private draining = false;
  private drainAgain = false;

  constructor(options: MemoryBudgetOptions) {
    for (const k of ['guaranteedPerAccount', 'shared', 'perAccountCap', 'accounts'] as const) {
      const v = options[k];
      if (!(v >= 0)) throw new RangeError(`memory budget: ${k} must be a non-negative number of bytes, got ${v}`);
    }
    this.options = options;
    // 0 × Infinity is NaN: no accounts planned means no guaranteed slices in the total.
    this.total = (options.accounts === 0 ? 0 : options.accounts * options.guaranteedPerAccount) + options.shared;
  }

  open(): BudgetAccount {
    this.openAccounts++;
    return new BudgetAccount(this);
  }

  stat(): MemoryBudgetStat {
    return {
      used: this.used,
      sharedUsed: this.sharedUsed,
      peak: this.peak,
      total: this.total,
      shared: this.options.shared,
      waiting: this.queued + this.capWaiting,
      accounts: this.openAccounts,
    };
  }

  /** Start counting `peak` again from what is used now (benchmarks measure phases). */
  resetPeak(): void {
    this.peak = this.used;
  }

  private beyondSlice(held: number): number {
    return Math.max(0, held - this.options.guaranteedPerAccount);
  }

  /** Shared-pool bytes that granting `n` to `a` would draw. */
  private sharedNeed(a: BudgetAccount, n: number): number {
    return this.beyondSlice(a.used + n) - this.beyondSlice(a.used);
  }

  private capBlocked(a: BudgetAccount, n: number): boolean {
    return a.used > 0 && a.used + n > this.options.perAccountCap;
  }

  private fits(a: BudgetAccount, n: number): boolean {
    if (this.capBlocked(a, n)) return false;
    const need = this.sharedNeed(a, n);
    if (this.used + n <= this.total && this.sharedUsed + need <= this.options.shared) return true;
    return need > this.options.shared && this.sharedUsed === 0;
  }

  /** Granted now: fits, and draws nothing from the pool or nobody waits for it. */
  private grantableNow(a: BudgetAccount, n: number): boolean {
    return this.fits(a, n) && (this.queued === 0 || this.sharedNeed(a, n) === 0);
  }

  private take(a: BudgetAccount, n: number): void {
    this.sharedUsed += this.sharedNeed(a, n);
    a.used += n;
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
  }

  /** @internal */
  tryReserve(a: BudgetAccount, n: number): boolean {
    if (a.closed || a.request !== undefined) return false;
    const held = a.used + n;
    if (held <= this.options.guaranteedPerAccount) {
      // Within the account's guaranteed slice (every message but large ones): nothing drawn from the
      // pool, so `fits` reduces to the cap and the totals and nobody queued matters. Once per message.
      if ((a.used > 0 && held > this.options.perAccountCap) || this.used + n > this.total) return false;
      if (this.sharedUsed > this.options.shared) return false;
      a.used = held;
      this.used += n;
      if (this.used > this.peak) this.peak = this.used;
      return true;
    }
    if (!this.grantableNow(a, n)) return false;
    this.take(a, n);
    return true;
  }

  /** @internal */
  reserve(a: BudgetAccount, n: number, granted: () => void): boolean {
    if (a.closed) return false;
    if (a.request !== undefined) throw new RangeError('memory budget: one request at a time per account');
    if (this.tryReserve(a, n)) return true;
    const r: Request = { account: a, bytes: n, granted, queued: false, done: false };
    a.request = r;
    if (this.capBlocked(a, n)) this.capWaiting++;
    else this.enqueue(r);
    return false;
  }

  private enqueue(r: Request): void {
    r.queued = true;
    this.queue.push(r);
    this.queued++;
  }

  private finish(r: Request): void {
    r.done = true;
    r.account.request = undefined;
    if (r.queued) this.queued--;
    else this.capWaiting--;
    // Only done requests left: drop them now (they hold their connection's callbacks).
    if (this.queued === 0) this.queue.clear();
  }

  private grant(r: Request): void {
    this.finish(r);
    this.take(r.account, r.bytes);
    r.granted();
  }

  /** @internal */
  release(a: BudgetAccount, n: number): void {
    if (a.closed || n <= 0) return;
    const bytes = Math.min(n, a.used);
    // Within the guaranteed slice (the common case) nothing was drawn from the pool.
    if (a.used > this.options.guaranteedPerAccount)
      this.sharedUsed -= this.beyondSlice(a.used) - this.beyondSlice(a.used - bytes);
    a.used -= bytes;
    this.used -= bytes;
    const r = a.request;
    if (r !== undefined) {
      if (!r.queued && !this.capBlocked(a, r.bytes)) {
        // Its own cap no longer stands in the way: now it is a matter of the pool, in turn.
        if (this.grantableNow(a, r.bytes)) this.grant(r);
        else {
          this.capWaiting--;
          this.enqueue(r);
        }
      } else if (r.queued && this.sharedNeed(a, r.bytes) === 0 && this.fits(a, r.bytes)) {
        // Its own releases brought it within its guaranteed slice: no need to wait for its turn.
        this.grant(r);
      }
    }
    // (Every message consumed comes here: nothing more to do while nobody waits.)
    if (this.queued > 0) this.drain();
  }

  /** @internal */
  close(a: BudgetAccount): void {
    if (a.closed) return;
    if (a.request !== undefined) this.finish(a.request);
    this.release(a, a.used);
    a.closed = true;
    this.openAccounts--;
    this.drain();
  }

  /** Grant waiting requests from the head of the FIFO while they fit. */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        for (let r = this.queue.peek(); r !== undefined; r = this.queue.peek()) {
          if (r.done) {
            this.queue.shift();
            continue;
          }
          if (!this.fits(r.account, r.bytes)) break;
          this.queue.shift();
          this.grant(r);
        }
      } while (this.drainAgain);
    } finally {
      this.draining = false;
    }
  }
}
