import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LimitsError, memoryBudgets, resolveLimits } from '../src/index.js';

const MiB = 1 << 20;

describe('memory limits', () => {
  it('defaults: 8 MiB queues as Octez, and budgets of 1 MiB per connection plus 256 MiB (read) and 128 MiB (write) shared', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      readQueueSize: 8 * MiB,
      writeQueueSize: 8 * MiB,
      incomingMessageQueueSize: 8 * MiB,
      outgoingMessageQueueSize: 8 * MiB,
      readBudget: { guaranteedPerConnection: MiB, shared: 256 * MiB },
      writeBudget: { guaranteedPerConnection: MiB, shared: 128 * MiB },
    });
  });

  it('the scheduler budgets: slices for maxConnections, per-connection caps from read/writeQueueSize', () => {
    const l = resolveLimits({
      minConnections: 5,
      expectedConnections: 10,
      maxConnections: 20,
      readQueueSize: 3 * MiB,
      writeQueueSize: 5 * MiB,
      writeBudget: { guaranteedPerConnection: 2 * MiB, shared: 7 },
    });
    expect(memoryBudgets(l)).toEqual({
      readMemory: { guaranteedPerAccount: MiB, shared: 256 * MiB, perAccountCap: 3 * MiB, accounts: 20 },
      writeMemory: { guaranteedPerAccount: 2 * MiB, shared: 7, perAccountCap: 5 * MiB, accounts: 20 },
    });
  });

  it('refuses negative or fractional sizes, naming the field', () => {
    expect(() => resolveLimits({ readBudget: { guaranteedPerConnection: -1, shared: 0 } })).toThrow(LimitsError);
    expect(() => resolveLimits({ writeBudget: { guaranteedPerConnection: 0, shared: 1.5 } })).toThrow(
      /writeBudget\.shared must be a non-negative integer/,
    );
    expect(() => resolveLimits({ incomingMessageQueueSize: -1, outgoingMessageQueueSize: 0.5 })).toThrow(
      /incomingMessageQueueSize.*outgoingMessageQueueSize/,
    );
    expect(resolveLimits({ readBudget: { guaranteedPerConnection: 0, shared: 0 } }).readBudget).toEqual({
      guaranteedPerConnection: 0,
      shared: 0,
    });
  });
});
