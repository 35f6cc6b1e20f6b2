import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBudget, type MemoryBudgetOptions } from '../src/index.js';
import { type BudgetAccount } from '../src/memory-budget.js';

const KiB = 1024;
/** 4 accounts × 10 KiB guaranteed + 50 KiB shared = 90 KiB; at most 40 KiB per account. */
const OPTIONS: MemoryBudgetOptions = {
  guaranteedPerAccount: 10 * KiB,
  shared: 50 * KiB,
  perAccountCap: 40 * KiB,
  accounts: 4,
};

/** A request that records when it is granted. */
function ask(a: BudgetAccount, bytes: number, log: string[], name: string): boolean {
  return a.reserve(bytes, () => log.push(name));
}

describe('MemoryBudget', () => {
  it('total = accounts × guaranteed + shared; reservations within the guaranteed slice never wait, even behind waiters', () => {
    const budget = new MemoryBudget(OPTIONS);
    expect(budget.total).toBe(90 * KiB);
    const [hog, small] = [budget.open(), budget.open()];
    const granted: string[] = [];
    // The hog takes its slice and the whole pool (two requests within its 40 KiB cap + 10 KiB slice).
    expect(hog.tryReserve(40 * KiB)).toBe(true);
    const third = budget.open();
    expect(third.tryReserve(30 * KiB)).toBe(true);
    expect(budget.stat()).toMatchObject({ used: 70 * KiB, sharedUsed: 50 * KiB });
    // Another account now needs the pool: it waits…
    expect(ask(budget.open(), 11 * KiB, granted, 'waiter')).toBe(false);
    // …but a small account still gets its guaranteed slice at once, waiter or not.
    for (let i = 0; i < 10; i++) expect(small.tryReserve(KiB)).toBe(true);
    expect(small.tryReserve(1)).toBe(false);
    expect(granted).toEqual([]);
    expect(budget.stat()).toMatchObject({ used: 80 * KiB, sharedUsed: 50 * KiB, waiting: 1 });
  });

  it('the shared pool is granted in FIFO order: a small request does not overtake a large one', () => {
    const budget = new MemoryBudget(OPTIONS);
    const [a, b, c, d] = [budget.open(), budget.open(), budget.open(), budget.open()];
    expect(a.tryReserve(40 * KiB)).toBe(true); // 30 KiB of the pool
    expect(b.tryReserve(30 * KiB)).toBe(true); // 20 KiB: the pool is full
    const granted: string[] = [];
    expect(ask(c, 30 * KiB, granted, 'c 30 KiB')).toBe(false); // needs 20 KiB of the pool
    expect(ask(d, 12 * KiB, granted, 'd 12 KiB')).toBe(false); // needs 2 KiB
    // A newcomer needing the pool queues behind them, even though 2 KiB would fit after a release.
    expect(budget.open().tryReserve(11 * KiB)).toBe(false);
    a.release(10 * KiB); // 10 KiB of the pool free: d would fit, c would not — nobody moves
    expect(granted).toEqual([]);
    a.release(10 * KiB); // 20 KiB free: c, then d would need 2 more
    expect(granted).toEqual(['c 30 KiB']);
    b.release(2 * KiB);
    expect(granted).toEqual(['c 30 KiB', 'd 12 KiB']);
    expect(budget.stat()).toMatchObject({ waiting: 0, used: 20 * KiB + 28 * KiB + 30 * KiB + 12 * KiB });
  });

  it('per-account cap: the account waits for its own releases without holding up others; a message above the cap travels alone', () => {
    const budget = new MemoryBudget(OPTIONS);
    const [a, b] = [budget.open(), budget.open()];
    const granted: string[] = [];
    expect(a.tryReserve(35 * KiB)).toBe(true);
    expect(ask(a, 10 * KiB, granted, 'a +10 KiB')).toBe(false); // 45 > 40: its cap, not the pool
    expect(b.tryReserve(20 * KiB)).toBe(true); // others are not queued behind it
    a.release(5 * KiB);
    expect(granted).toEqual(['a +10 KiB']);
    // 60 KiB is above the cap: granted only to an empty account.
    const c = budget.open();
    expect(c.tryReserve(5 * KiB)).toBe(true);
    expect(ask(c, 45 * KiB, granted, 'c 45 KiB')).toBe(false);
    c.release(5 * KiB);
    expect(granted).toEqual(['a +10 KiB']); // alone now, but the pool is short: 40 + 10 + 35 KiB drawn
    a.release(40 * KiB);
    b.release(20 * KiB);
    expect(granted).toEqual(['a +10 KiB', 'c 45 KiB']);
    expect(c.reserved).toBe(45 * KiB);
  });

  it('a request larger than the whole pool is granted once the pool is empty: over the budget by that one message at most', () => {
    const budget = new MemoryBudget({ ...OPTIONS, perAccountCap: Infinity });
    const [a, b] = [budget.open(), budget.open()];
    const granted: string[] = [];
    expect(b.tryReserve(15 * KiB)).toBe(true);
    expect(ask(a, 200 * KiB, granted, 'a 200 KiB')).toBe(false);
    b.release(5 * KiB); // b back within its slice: the pool is empty
    expect(granted).toEqual(['a 200 KiB']);
    const stat = budget.stat();
    expect(stat.peak).toBeGreaterThan(stat.total);
    expect(stat.peak).toBeLessThanOrEqual(stat.total + 200 * KiB);
  });

  it('release on close: everything given back, a pending request cancelled, later releases ignored', () => {
    const budget = new MemoryBudget(OPTIONS);
    const [a, b] = [budget.open(), budget.open()];
    const granted: string[] = [];
    expect(a.tryReserve(40 * KiB)).toBe(true);
    expect(b.tryReserve(30 * KiB)).toBe(true); // the pool is full
    expect(ask(a, 40 * KiB, granted, 'a')).toBe(false);
    const c = budget.open();
    expect(ask(c, 30 * KiB, granted, 'c')).toBe(false);
    a.close();
    expect(granted).toEqual(['c']);
    a.release(40 * KiB);
    expect(a.reserved).toBe(0);
    b.close();
    c.close();
    expect(budget.stat()).toMatchObject({ used: 0, sharedUsed: 0, waiting: 0, accounts: 0 });
    expect(a.tryReserve(1)).toBe(false);
  });

  it('property: under any interleaving the budget holds, and once holders release, every admitted request completes (no deadlock)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        account: fc.nat(5),
        bytes: fc.integer({ min: 0, max: 120 * KiB }),
      }),
      fc.record({
        kind: fc.constant('release' as const),
        account: fc.nat(5),
        part: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      fc.record({ kind: fc.constant('close' as const), account: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const budget = new MemoryBudget(OPTIONS);
        const accounts = Array.from({ length: 6 }, () => budget.open());
        const asked = new Map<BudgetAccount, number>();
        let largest = 0;
        const check = () => {
          const s = budget.stat();
          // Over the total only by one message larger than the whole pool.
          expect(s.used).toBeLessThanOrEqual(s.total + (largest > OPTIONS.shared ? largest : 0));
          expect(s.sharedUsed).toBeLessThanOrEqual(Math.max(OPTIONS.shared, largest));
          expect(s.used).toBe(accounts.reduce((n, a) => n + a.reserved, 0));
          for (const a of accounts) expect(a.reserved).toBeLessThanOrEqual(Math.max(OPTIONS.perAccountCap, largest));
        };
        for (const o of ops) {
          const a = accounts[o.account]!;
          if (o.kind === 'reserve') {
            if (a.waiting) continue;
            largest = Math.max(largest, o.bytes);
            asked.set(a, o.bytes);
            if (a.reserve(o.bytes, () => asked.delete(a))) asked.delete(a);
          } else if (o.kind === 'release') a.release(Math.floor(a.reserved * o.part));
          else {
            a.close();
            asked.delete(a);
            accounts[o.account] = budget.open();
          }
          check();
        }
        // Consumers take every message: each account releases what it holds, until nothing waits.
        for (let round = 0; round < 10 && asked.size > 0; round++) for (const a of accounts) a.release(a.reserved);
        expect(asked.size).toBe(0);
        for (const a of accounts) a.release(a.reserved);
        expect(budget.stat()).toMatchObject({ used: 0, sharedUsed: 0, waiting: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
