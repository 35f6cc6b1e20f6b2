import { firstValueFrom, take, toArray } from 'rxjs';
import type { PeerId } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  ConsumerOverflowError,
  EventBus,
  FakeClock,
  P2P_EVENT_KINDS,
  type P2pEvent,
  p2pEventToJson,
  seededRng,
  shuffled,
  sleep,
} from '../src/index.js';

const peer = 'idtXXXXXXXXXXXXXXXXXXXXXXXXXXX' as PeerId;
const point = { ip: '192.0.2.10', port: 9732 };

describe('P2pEvent JSON (Octez /network/log)', () => {
  it('prints the documented shapes (events-rpc.md §1)', () => {
    expect(p2pEventToJson({ kind: 'New_point', point })).toEqual({ event: 'new_point', point: '192.0.2.10:9732' });
    expect(
      p2pEventToJson({
        kind: 'Accepting_request',
        point: { ip: '192.0.2.10', port: 51234 },
        idPoint: { ip: '192.0.2.10', port: 9732 },
        peerId: peer,
      }),
    ).toEqual({
      event: 'accepting_request',
      point: '192.0.2.10:51234',
      id_point: { addr: '::ffff:192.0.2.10', port: 9732 },
      peer_id: peer,
    });
    expect(
      p2pEventToJson({
        kind: 'Request_rejected',
        point: { ip: '192.0.2.10', port: 51234 },
        identity: { idPoint: { ip: '192.0.2.10', port: 9732 }, peerId: peer },
      }),
    ).toEqual({
      event: 'request_rejected',
      point: '192.0.2.10:51234',
      identity: [{ addr: '::ffff:192.0.2.10', port: 9732 }, peer],
    });
    expect(p2pEventToJson({ kind: 'Swap_success', source: peer })).toEqual({ event: 'swap_success', source: peer });
    expect(
      p2pEventToJson({ kind: 'Connection_established', idPoint: { ip: '::1', port: undefined }, peerId: peer }),
    ).toEqual({ event: 'connection_established', id_point: { addr: '::1' }, peer_id: peer });
    expect(p2pEventToJson({ kind: 'Gc_points' })).toEqual({ event: 'gc_points' });
  });

  it('has the 26 encodable Octez cases; the two maintenance events are not encodable, as in Octez', () => {
    expect(P2P_EVENT_KINDS).toHaveLength(28);
    expect(p2pEventToJson({ kind: 'Maintenance_started' })).toBeUndefined();
    expect(p2pEventToJson({ kind: 'Maintenance_ended' })).toBeUndefined();
  });
});

describe('EventBus', () => {
  it('delivers synchronously', () => {
    const bus = new EventBus();
    const all: string[] = [];
    bus.events$.subscribe((e) => all.push(e.kind));
    bus.publish({ kind: 'New_point', point });
    bus.publish({ kind: 'Gc_points' });
    expect(all).toEqual(['New_point', 'Gc_points']);
  });

  it('re-entrant publishing is queued: every subscriber sees every event in publication order', () => {
    const bus = new EventBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.events$.subscribe((e) => {
      a.push(e.kind);
      if (e.kind === 'New_peer') bus.publish({ kind: 'Gc_peer_ids' });
      if (e.kind === 'Gc_peer_ids') bus.publish({ kind: 'Gc_points' });
    });
    bus.events$.subscribe((e) => b.push(e.kind));
    bus.publish({ kind: 'New_peer', peerId: peer });
    expect(a).toEqual(['New_peer', 'Gc_peer_ids', 'Gc_points']);
    expect(b).toEqual(a);
  });

  it('a subscriber publishing on every event cannot recurse without bound', () => {
    const bus = new EventBus();
    let n = 0;
    bus.events$.subscribe(() => {
      if (++n < 100_000) bus.publish({ kind: 'Gc_points' });
    });
    bus.publish({ kind: 'Gc_points' });
    expect(n).toBe(100_000);
  });

  it('triggers are broadcast without memory (a trigger nobody waits for is lost)', async () => {
    const bus = new EventBus();
    bus.trigger('newPeer', peer);
    const next = firstValueFrom(bus.triggers.tooFewConnections$.pipe(take(2), toArray()));
    bus.trigger('tooFewConnections');
    bus.trigger('tooFewConnections');
    await expect(next).resolves.toHaveLength(2);
  });

  it('counts subscriptions and drops them on unsubscribe and close', () => {
    const bus = new EventBus();
    const s1 = bus.events$.subscribe();
    const s2 = bus.triggers.newPoint$.subscribe();
    expect(bus.subscriberCount).toBe(2);
    s1.unsubscribe();
    s2.unsubscribe();
    expect(bus.subscriberCount).toBe(0);
    bus.events$.subscribe();
    bus.close();
    expect(bus.subscriberCount).toBe(0);
    bus.publish({ kind: 'Gc_points' });
  });
});

describe('bounded consumers (slow readers)', () => {
  const gc = (): P2pEvent => ({ kind: 'Gc_points' });

  it('an overflow ends the consumer with ConsumerOverflowError and unsubscribes it; the producer never waits', async () => {
    const bus = new EventBus();
    const c = bus.consume({ capacity: 1 });
    const pending = c.next();
    bus.publish(gc()); // resolves the waiting reader directly
    await expect(pending).resolves.toEqual({ value: gc(), done: false });
    bus.publish(gc());
    bus.publish(gc());
    bus.publish(gc()); // ignored: the consumer is already ended
    expect(c.overflows).toBe(1);
    expect(c.closed).toBe(true);
    await expect(c.next()).rejects.toBeInstanceOf(ConsumerOverflowError);
    expect(bus.consumerCount).toBe(0);
    expect(bus.subscriberCount).toBe(0);
  });

  it('close() drops what is buffered and unsubscribes', async () => {
    const bus = new EventBus();
    const c = bus.consume({ capacity: 3 });
    bus.publish(gc());
    expect(c.buffered).toBe(1);
    c.close();
    expect(await c.next()).toEqual({ value: undefined, done: true });
    expect(bus.consumerCount).toBe(0);
    expect(bus.subscriberCount).toBe(0);
  });

  it('filters kinds, iterates asynchronously and ends when the bus closes', async () => {
    const bus = new EventBus();
    const c = bus.consume({ kinds: ['Gc_points'] });
    bus.publish({ kind: 'New_peer', peerId: peer });
    bus.publish(gc());
    bus.close();
    const seen: string[] = [];
    for await (const e of c) seen.push(e.kind);
    expect(seen).toEqual(['Gc_points']);
  });
});

describe('clock and randomness', () => {
  it('FakeClock fires timers in time order and only when advanced', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    const h = clock.setTimeout(() => fired.push('x'), 150);
    clock.clearTimeout(h);
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(101);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(200);
    expect(clock.pending).toBe(0);
  });

  it('sleep resolves on the clock and is cancellable without leaving a timer', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    const s = sleep(clock, 1000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(s).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    const ok = sleep(clock, 10);
    await clock.advance(10);
    await expect(ok).resolves.toBeUndefined();
  });

  it('seeded randomness is reproducible', () => {
    expect(shuffled(seededRng(7), [1, 2, 3, 4, 5, 6])).toEqual(shuffled(seededRng(7), [1, 2, 3, 4, 5, 6]));
    const r = seededRng(1);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
