import { PointInfo, type PointEvent, pointEventToJson } from '@tezos-p2p/pool';
import { makePoint } from '@tezos-p2p/wire';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ringMonitorSource } from '../src/rpc/ring-monitor.js';

// The point/peer log monitor is fed by the ring's own watcher (Octez's Info.watch): a change that no
// bus record follows still reaches the client, without any timer.

const RECONNECT = {
  initialDelayMs: 1_000,
  factor: 1.2,
  disconnectionDelayMs: 60_000,
  increaseCapMs: 172_800_000,
} as const;

function setup(capacity?: number, info = new PointInfo<never>(makePoint('203.0.113.7', 9732))) {
  const until = new Subject<never>();
  const aborts: Error[] = [];
  const source = ringMonitorSource<PointEvent>(until, info.events, pointEventToJson, (e) => aborts.push(e), capacity);
  const it = source.lines[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    return r.done ? undefined : (JSON.parse(r.value) as unknown[]);
  };
  return { info, until, aborts, source, next };
}

describe('ringMonitorSource', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the stored log, then each entry as it is added, with no timer running', async () => {
    vi.useFakeTimers();
    const info = new PointInfo<never>(makePoint('203.0.113.7', 9732));
    info.setRequested(500, () => undefined);
    info.setDisconnected(600, RECONNECT);
    const m = setup(undefined, info);
    m.info.setRequested(1_000, () => undefined);
    // A failed dial: the point goes back to Disconnected and no bus record follows.
    m.info.setDisconnected(2_000, RECONNECT);
    expect(vi.getTimerCount()).toBe(0);
    const json = (value: PointEvent['value'], at: number) => pointEventToJson({ value, at });
    expect(await m.next()).toEqual([
      json({ kind: 'Outgoing_request' }, 500),
      json({ kind: 'Request_rejected', peerId: undefined }, 600),
    ]);
    expect(await m.next()).toEqual([json({ kind: 'Outgoing_request' }, 1_000)]);
    expect(await m.next()).toEqual([json({ kind: 'Request_rejected', peerId: undefined }, 2_000)]);
    m.source.close();
  });

  it('ends after what is buffered when the node stops, and close() stops watching', async () => {
    const { info, until, next, source } = setup();
    info.setRequested(1_000, () => undefined);
    until.complete();
    expect(await next()).toEqual([]);
    expect(await next()).toHaveLength(1);
    expect(await next()).toBeUndefined();
    source.close();
    const again = setup();
    again.source.close();
    // Nothing is taken once closed: the stored log (read at open) and then the end.
    again.info.setRequested(1_000, () => undefined);
    expect(await again.next()).toEqual([]);
    expect(await again.next()).toBeUndefined();
  });

  it('cuts a client that falls more than its capacity behind', async () => {
    const { info, aborts, next } = setup(3);
    for (let i = 0; i < 3; i++) {
      info.setRequested(i, () => undefined);
      info.setDisconnected(i, RECONNECT);
    }
    expect(aborts.map((e) => (e as { code?: string }).code)).toEqual(['CONSUMER_OVERFLOW']);
    expect(await next()).toEqual([]);
    await expect(next()).rejects.toMatchObject({ code: 'CONSUMER_OVERFLOW' });
  });
});
