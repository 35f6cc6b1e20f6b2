import { FakeClock } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  LimitsError,
  connectionsFromExpected,
  maintenanceBounds,
  resolveLimits,
} from '../src/index.js';
import { PROTOCOL_COOLDOWNS_MS, Throttle } from '../src/throttle.js';

describe('limits', () => {
  it('Octez defaults; min/expected/max 10/50/100 give thresholds 23/36/68/84', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      connectionTimeoutMs: 10_000,
      authenticationTimeoutMs: 5_000,
      maxIncomingConnections: 20,
      incomingAppMessageQueueSize: 10,
      swapLingerMs: 30_000,
      maintenanceIdleTimeMs: 120_000,
    });
    expect(maintenanceBounds(DEFAULT_LIMITS)).toEqual({
      minThreshold: 23,
      minTarget: 36,
      maxTarget: 68,
      maxThreshold: 84,
    });
  });

  it('--connections N: min N/2 (1 for 1), expected N, max 3N/2', () => {
    expect(connectionsFromExpected(50)).toEqual({ minConnections: 25, expectedConnections: 50, maxConnections: 75 });
    expect(connectionsFromExpected(1)).toEqual({ minConnections: 1, expectedConnections: 1, maxConnections: 1 });
  });

  it('rejects what P2p.check_limits and make_maintenance_bounds reject, naming every problem', () => {
    expect(() => resolveLimits({ minConnections: 60 })).toThrow(LimitsError);
    expect(() => resolveLimits({ authenticationTimeoutMs: 0 })).toThrow(/authenticationTimeoutMs/);
    expect(() => resolveLimits({ swapLingerMs: 0, binaryChunksSize: 18 })).toThrow(/swapLingerMs.*binaryChunksSize/);
    expect(resolveLimits({ swapLingerMs: null, maintenanceIdleTimeMs: null }).swapLingerMs).toBeNull();
  });

  it('our own limits: 4 pending incoming handshakes per address, peers.json saved every minute', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxIncomingConnectionsPerAddress: 4, peersFileSaveIntervalMs: 60_000 });
    expect(() => resolveLimits({ maxIncomingConnectionsPerAddress: 0 })).toThrow(
      /maxIncomingConnectionsPerAddress must be a positive integer, got 0/,
    );
    expect(() => resolveLimits({ maxIncomingConnectionsPerAddress: 2.5 })).toThrow(/maxIncomingConnectionsPerAddress/);
    expect(() => resolveLimits({ peersFileSaveIntervalMs: 0 })).toThrow(
      /peersFileSaveIntervalMs must be a positive integer or null, got 0/,
    );
    // Above the global cap is allowed: it just never binds. null: only at shutdown, as Octez.
    expect(resolveLimits({ maxIncomingConnectionsPerAddress: 100, peersFileSaveIntervalMs: null })).toMatchObject({
      maxIncomingConnectionsPerAddress: 100,
      peersFileSaveIntervalMs: null,
    });
  });
});

describe('protocol throttling (P2p_protocol.throttler)', () => {
  it('a message within its cooldown waits the full cooldown; other kinds are independent', async () => {
    const clock = new FakeClock(0);
    const t = new Throttle(clock);
    const signal = new AbortController().signal;
    await t.wait('bootstrap', signal); // first: immediate
    let done = false;
    const second = t.wait('bootstrap', signal).then(() => (done = true));
    await t.wait('swapRequest', signal); // another kind is not delayed
    await clock.advance(PROTOCOL_COOLDOWNS_MS.bootstrap - 1);
    expect(done).toBe(false);
    await clock.advance(1);
    await second;
    expect(done).toBe(true);
    // After the cooldown has elapsed, no wait at all.
    await clock.advance(PROTOCOL_COOLDOWNS_MS.bootstrap);
    await t.wait('bootstrap', signal);
  });

  it('a wait is cancelled with its connection, leaving no timer', async () => {
    const clock = new FakeClock(0);
    const t = new Throttle(clock);
    const ac = new AbortController();
    await t.wait('swapAck', ac.signal);
    const p = t.wait('swapAck', ac.signal);
    ac.abort(new Error('closed'));
    await expect(p).rejects.toThrow('closed');
    expect(clock.pending).toBe(0);
  });
});
