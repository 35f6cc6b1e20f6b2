import { describe, expect, it } from 'vitest';
import { IoScheduler, type RegulatedReader, type ScheduledIo } from '../src/index.js';
import { MovingAverage } from '../src/moving-average.js';

/** A write side with `pending` units of work, one served per call. */
function writer(pending: number): ScheduledIo & { serves: number } {
  return {
    quota: 0,
    counter: new MovingAverage(),
    serves: 0,
    ready() {
      return this.serves < pending;
    },
    serve() {
      this.serves++;
      return 1;
    },
  };
}

const reader = (): RegulatedReader => ({ quota: 0, counter: new MovingAverage(), gateChanged: () => undefined });
const tick = () => new Promise((r) => setImmediate(r));
/** Turns until `done` (at most 100): a busy machine may end a write turn after its 1 ms slice. */
async function turnsUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await tick();
}

describe('write scheduler queue', () => {
  it('queues a connection once however often it is notified, and again once served', async () => {
    const s = new IoScheduler();
    const w = writer(3);
    const off = s.register(reader(), w);
    s.write.notify(w);
    s.write.notify(w);
    await turnsUntil(() => w.serves === 3 && !w.queued);
    expect(w.serves).toBe(3);
    expect(w.queued).toBe(false);
    s.write.notify(w);
    await tick();
    expect(w.serves).toBe(3);
    off();
    s.stop();
  });

  it('ignores a connection no longer registered', async () => {
    const s = new IoScheduler();
    const w = writer(1);
    s.register(reader(), w)();
    s.write.notify(w);
    await tick();
    expect(w.serves).toBe(0);
    expect(w.queued).toBeUndefined();
  });

  it('serves 1,000 connections with one unit each, spread over turns', async () => {
    const s = new IoScheduler();
    const ws = Array.from({ length: 1000 }, () => writer(1));
    const offs = ws.map((w) => s.register(reader(), w));
    for (const w of ws) s.write.notify(w);
    for (let i = 0; i < 100 && ws.some((w) => w.serves === 0); i++) await tick();
    expect(ws.every((w) => w.serves === 1 && w.queued === false)).toBe(true);
    for (const off of offs) off();
    s.stop();
  });
});
