import { describe, expect, it } from 'vitest';
import { addressGroup } from '@tezos-p2p/wire';
import { IncomingSlots } from '../src/incoming-slots.js';

const at = (ip: string, port = 40_000) => ({ ip, port });
const take = (s: IncomingSlots, ip: string) => s.take(at(ip), new AbortController());

describe('addressGroup: what one source is', () => {
  it('an IPv4 address (mapped or not); an IPv6 /64', () => {
    expect(addressGroup('198.51.100.7')).toBe('198.51.100.7');
    expect(addressGroup('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });
});

describe('IncomingSlots', () => {
  it('one source holds at most perAddress slots; other sources still get in', () => {
    const s = new IncomingSlots({ max: 20, perAddress: 4 });
    for (let i = 0; i < 4; i++) {
      expect(s.decide('10.0.0.1')).toEqual({ kind: 'free' });
      take(s, '10.0.0.1');
    }
    expect(s.decide('10.0.0.1')).toEqual({ kind: 'refused', reason: 'too_many_incoming_from_address' });
    expect(s.decide('2001:db8::1')).toEqual({ kind: 'free' });
    for (let i = 0; i < 4; i++) take(s, `2001:db8::${i + 1}`);
    expect(s.decide('2001:db8::ffff')).toEqual({ kind: 'refused', reason: 'too_many_incoming_from_address' });
    expect(s.decide('2001:db8:0:1::1')).toEqual({ kind: 'free' });
    expect(s.heldBy('10.0.0.1')).toBe(4);
    expect(s.size).toBe(8);
  });

  it('full table: a source holding two more than the newcomer gives up its oldest slot; equal shares refuse', () => {
    const s = new IncomingSlots({ max: 6, perAddress: 4 });
    const oldest = take(s, '10.0.0.1');
    take(s, '10.0.0.1');
    take(s, '10.0.0.2');
    take(s, '10.0.0.2');
    take(s, '10.0.0.2');
    take(s, '10.0.0.3');
    // 10.0.0.2 holds the most (3).
    const d = s.decide('10.0.0.9');
    expect(d.kind).toBe('evict');
    if (d.kind !== 'evict') return;
    expect(d.victim.group).toBe('10.0.0.2');
    expect(s.release(d.victim)).toBe(true);
    take(s, '10.0.0.9');
    // Now 2 / 2 / 1 / 1: a fresh source evicts the oldest of the largest (10.0.0.1's first slot).
    const e = s.decide('10.0.0.10');
    expect(e.kind === 'evict' && e.victim).toBe(oldest);
    // A source with one slot cannot take from one with two: that would only swap the shares.
    expect(s.decide('10.0.0.3')).toEqual({ kind: 'refused', reason: 'too_many_incoming' });
  });

  it('every slot from distinct sources: full, no eviction (as Octez)', () => {
    const s = new IncomingSlots({ max: 3, perAddress: 4 });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) take(s, ip);
    expect(s.decide('10.0.0.4')).toEqual({ kind: 'refused', reason: 'too_many_incoming' });
    const none = new IncomingSlots({ max: 0, perAddress: 4 });
    expect(none.decide('10.0.0.4')).toEqual({ kind: 'refused', reason: 'too_many_incoming' });
  });

  it('sources that keep arriving settle at equal shares, each eviction lowering the largest', () => {
    const s = new IncomingSlots({ max: 20, perAddress: 20 });
    const sources = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
    let evictions = 0;
    for (let round = 0; round < 50; round++) {
      for (const ip of sources) {
        const d = s.decide(ip);
        if (d.kind === 'refused') continue;
        if (d.kind === 'evict') {
          s.release(d.victim);
          evictions++;
        }
        take(s, ip);
      }
    }
    expect(sources.map((ip) => s.heldBy(ip))).toEqual([5, 5, 5, 5]);
    expect(s.size).toBe(20);
    expect(evictions).toBe(0); // arriving in turn, they never needed to evict
    // One source alone fills the table; newcomers then take shares from it.
    const t = new IncomingSlots({ max: 20, perAddress: 20 });
    for (let i = 0; i < 20; i++) take(t, '10.0.0.1');
    for (let round = 0; round < 50; round++) {
      for (const ip of sources.slice(1)) {
        const d = t.decide(ip);
        if (d.kind === 'refused') continue;
        if (d.kind === 'evict') t.release(d.victim);
        take(t, ip);
      }
    }
    expect(sources.map((ip) => t.heldBy(ip))).toEqual([5, 5, 5, 5]);
  });

  it('release is idempotent: an evicted handshake settling later frees nothing twice', () => {
    const s = new IncomingSlots({ max: 2, perAddress: 4 });
    const a = take(s, '10.0.0.1');
    take(s, '10.0.0.1');
    expect(s.release(a)).toBe(true);
    expect(s.release(a)).toBe(false);
    expect(s.size).toBe(1);
    expect([...s.held()].map((x) => x.group)).toEqual(['10.0.0.1']);
  });
});
