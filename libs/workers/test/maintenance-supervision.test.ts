import { EventBus, FakeClock, type P2pReport, seededRng } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import { Maintenance, type MaintenanceOptions, maintenanceBounds, resolveLimits } from '../src/index.js';

type Opts = MaintenanceOptions<unknown, unknown, unknown>;

describe('maintenance supervision: no silent failure', () => {
  it('a loop that throws is reported as worker_failed, restarted after a pause, and stops cleanly', async () => {
    const bus = new EventBus();
    const reports: P2pReport[] = [];
    bus.reports$.subscribe((r) => reports.push(r));
    const clock = new FakeClock();
    let reads = 0;
    // A pool whose first read throws; afterwards it is in bounds, so a step only proposes nothing (private mode).
    const pool = {
      get activeConnections(): number {
        reads++;
        if (reads === 1) throw Object.assign(new Error('pool exploded'), { code: 'BOOM' });
        return 30;
      },
    };
    const bounds = maintenanceBounds(resolveLimits({}));
    const m = new Maintenance({
      pool,
      connectHandler: {},
      bus,
      clock,
      rng: seededRng(1),
      bounds,
      idleTimeMs: 120_000,
      privateMode: true,
    } as unknown as Opts);
    m.start();
    await new Promise((r) => setImmediate(r));
    expect(reports).toEqual([
      {
        kind: 'worker_failed',
        worker: 'maintenance',
        error: { code: 'BOOM', message: 'pool exploded' },
        restarted: true,
      },
    ]);
    expect(reads).toBe(1);
    await clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(2); // restarted: a new first step ran
    await m.stop();
    expect(reports).toHaveLength(1); // the stop is not a failure
  });
});
