import type { BudgetAccount } from './memory-budget.js';

/**
 * A received message whose bytes still count in the memory budget until `release()`. Whoever takes
 * a message this way and keeps it for a while (the P2P layer's application queue, an echo waiting
 * for room to send it back) keeps it accounted, so the budget bounds what is really held.
 */
export interface Leased<T> {
  readonly value: T;
  /** Bytes reserved for it (the encoded message, 4-byte size included). */
  readonly bytes: number;
  /** Give its bytes back to the budget; idempotent. */
  release(): void;
}

export class Lease<T> implements Leased<T> {
  private released = false;

  constructor(
    readonly value: T,
    readonly bytes: number,
    private readonly account: BudgetAccount,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.account.release(this.bytes);
  }
}
