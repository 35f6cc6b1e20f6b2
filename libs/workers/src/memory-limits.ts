import type { MemoryBudgetOptions } from '@tezos-p2p/connection';
import type { P2pLimits } from './limits.js';

/**
 * One memory budget of `P2pLimits` (not Octez's: Octez bounds each queue of each connection, in bytes
 * or in messages, and nothing over all of them — 10 application messages of 100 MiB per connection
 * times 84 connections is what a few peers that never read made a node hold).
 *
 * Each connection holds up to `guaranteedPerConnection` bytes without competing with anyone — 1 MiB
 * by default: ordinary traffic (operations ≤ 128 KiB, block headers, mempools) lives in it, so a
 * good peer is served whatever others do — and draws beyond it on the `shared` pool, first come first
 * served, up to its per-connection cap (`readQueueSize` / `writeQueueSize`, a larger message alone).
 * The budget totals `maxConnections × guaranteedPerConnection + shared`.
 */
export interface MemoryBudgetLimits {
  readonly guaranteedPerConnection: number;
  readonly shared: number;
}

export function memoryBudgetProblems(l: Pick<P2pLimits, 'readBudget' | 'writeBudget'>): string[] {
  const problems: string[] = [];
  for (const k of ['readBudget', 'writeBudget'] as const) {
    const b = l[k];
    for (const f of ['guaranteedPerConnection', 'shared'] as const) {
      const v = b?.[f];
      if (!(Number.isInteger(v) && v! >= 0))
        problems.push(`${k}.${f} must be a non-negative integer (bytes), got ${v}`);
    }
  }
  return problems;
}

/** The scheduler's budgets for `limits`: slices for `maxConnections` connections, per-connection caps `readQueueSize` / `writeQueueSize`. */
export function memoryBudgets(l: P2pLimits): {
  readonly readMemory: MemoryBudgetOptions;
  readonly writeMemory: MemoryBudgetOptions;
} {
  const options = (b: MemoryBudgetLimits, cap: number): MemoryBudgetOptions => ({
    guaranteedPerAccount: b.guaranteedPerConnection,
    shared: b.shared,
    perAccountCap: cap,
    accounts: l.maxConnections,
  });
  return { readMemory: options(l.readBudget, l.readQueueSize), writeMemory: options(l.writeBudget, l.writeQueueSize) };
}
