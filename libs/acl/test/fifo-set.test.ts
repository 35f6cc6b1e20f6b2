import { describe, expect, it } from 'vitest';
import { AclError, FifoSet } from '../src/index.js';

describe('FifoSet (Aches FIFO_Precise, Strong)', () => {
  it('reproduces test_p2p_peerset.ml test_LRU_overflow', () => {
    const set = new FifoSet<string>(3);
    for (const p of ['foo', 'bar', 'baz']) set.add(p);
    set.add('foo'); // already present: becomes the newest
    set.add('zor'); // full: evicts the least recently added, bar
    expect(set.has('zor')).toBe(true);
    expect(set.has('foo')).toBe(true);
    expect(set.has('bar')).toBe(false);
    expect(set.has('baz')).toBe(true); // mem does not promote
    set.add('baz');
    set.add('baz');
    set.add('baz');
    set.add('qux'); // evicts foo, the least recently added (mem of zor/foo above changed nothing)
    expect(set.has('foo')).toBe(false);
    expect(set.has('zor')).toBe(true);
    expect(set.has('baz')).toBe(true);
    expect(set.has('qux')).toBe(true);
    expect([...set]).toEqual(['zor', 'baz', 'qux']);
  });

  it('reports evictions, frees slots on remove (precise accounting) and lists oldest first', () => {
    const set = new FifoSet<number>(2);
    expect(set.add(1)).toBeUndefined();
    expect(set.add(2)).toBeUndefined();
    expect(set.add(1)).toBeUndefined(); // promotion, no eviction
    expect([...set.values()]).toEqual([2, 1]);
    expect(set.add(3)).toBe(2);
    expect(set.remove(1)).toBe(true);
    expect(set.remove(1)).toBe(false);
    expect(set.length).toBe(1);
    expect(set.add(4)).toBeUndefined();
    expect([...set]).toEqual([3, 4]);
    set.clear();
    expect(set.length).toBe(0);
    expect(set.capacity).toBe(2);
  });

  it('refuses a capacity below 1', () => {
    for (const c of [0, -1, 1.5]) expect(() => new FifoSet(c)).toThrow(AclError);
  });
});
