import { describe, expect, it } from 'vitest';
import { IoScheduler, type RegulatedReader, type ScheduledIo } from '../src/index.js';
import { MovingAverage } from '../src/moving-average.js';

function source(): ScheduledIo & { served: number } {
  return {
    quota: 0,
    counter: new MovingAverage(),
    served: 0,
    ready: () => true,
    serve(max) {
      this.served += max;
      return max;
    },
  };
}

function reader(): RegulatedReader & { gates: boolean[] } {
  const gates: boolean[] = [];
  return { quota: 0, counter: new MovingAverage(), gates, gateChanged: (open) => gates.push(open) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('MovingAverage (Octez Moving_average, alpha 0.2)', () => {
  it('average = 200·current/elapsed_ms + 800·average/1000, in integers', () => {
    const m = new MovingAverage();
    m.add(1000);
    m.update(1000);
    expect(m.average).toBe(200);
    m.add(1000);
    m.update(500);
    expect(m.average).toBe(400 + 160);
    m.update(1000);
    expect(m.average).toBe(448);
    expect(m.total).toBe(2000);
  });
});

describe('IoScheduler', () => {
  it('with an upload cap, stops when the global quota is spent and resumes at the refresh', async () => {
    const s = new IoScheduler({ maxUploadSpeed: 100_000, writeUnitSize: 10_000, refreshIntervalMs: 3_600_000 });
    const a = source();
    const b = source();
    const off = s.register(reader(), a);
    const off2 = s.register(reader(), b);
    s.write.notify(a);
    s.write.notify(b);
    for (let i = 0; i < 5; i++) await tick();
    // The bucket starts at the cap; debt may exceed it by at most one unit.
    expect(a.served + b.served).toBeLessThanOrEqual(110_000);
    expect(a.served + b.served).toBeGreaterThanOrEqual(100_000);
    const spent = a.served + b.served;
    s.refresh(1000);
    for (let i = 0; i < 5; i++) await tick();
    expect(a.served + b.served - spent).toBeGreaterThan(0);
    expect(a.served + b.served).toBeLessThanOrEqual(2 * 100_000 + 10_000);
    off();
    off2();
  });

  it('shares fairly: two saturating connections get equal service over refreshes', async () => {
    const s = new IoScheduler({ maxUploadSpeed: 200_000, writeUnitSize: 5_000, refreshIntervalMs: 3_600_000 });
    const a = source();
    const b = source();
    const offs = [s.register(reader(), a), s.register(reader(), b)];
    s.write.notify(a);
    s.write.notify(b);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 5; i++) await tick();
      s.refresh(1000);
    }
    const ratio = a.served / b.served;
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
    offs.forEach((f) => f());
  });

  it('with a download cap, closes every gate when the bucket is spent and reopens fair-share holders first', async () => {
    const s = new IoScheduler({ maxDownloadSpeed: 10_000, refreshIntervalMs: 3_600_000 });
    const heavy = reader();
    const light = reader();
    const offs = [s.register(heavy, source()), s.register(light, source())];
    s.read.account(heavy, 6_000);
    expect(s.read.open).toBe(true);
    s.read.account(heavy, 5_000);
    expect(s.read.open).toBe(false);
    expect(heavy.gates).toEqual([false]);
    expect(light.gates).toEqual([false]);
    s.refresh(1000); // average 200·11000/1000 = 2200 B/s, fair share 1100 each
    // light's fair share is positive (it read nothing), heavy's went negative: light is let in at once.
    expect(s.read.open).toBe(true);
    expect(light.gates).toEqual([false, true]);
    expect(heavy.gates).toEqual([false]);
    await tick();
    expect(heavy.gates).toEqual([false, true]);
    offs.forEach((f) => f());
  });

  it('the refresh timer exists only while connections are registered', () => {
    const s = new IoScheduler();
    const off = s.register(reader(), source());
    expect(s.connectionCount).toBe(1);
    off();
    expect(s.connectionCount).toBe(0);
    expect((s as unknown as { timer: unknown }).timer).toBeUndefined();
  });

  it('rejects non-positive speed caps', () => {
    expect(() => new IoScheduler({ maxDownloadSpeed: 0 })).toThrow(RangeError);
  });
});
