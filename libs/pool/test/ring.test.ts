import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_LOG_SIZE, Ring } from '../src/ring.js';

/** What the ring must hold: the last `capacity` items pushed, oldest first (Octez's event log). */
function lastItems(pushed: readonly number[], capacity: number): number[] {
  return capacity <= 0 ? [] : pushed.slice(Math.max(0, pushed.length - capacity));
}

describe('Ring', () => {
  it('holds the last `capacity` items, oldest first, whatever the number pushed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(fc.integer(), { maxLength: 60 }), (capacity, items) => {
        const ring = new Ring<number>(capacity);
        const pushed: number[] = [];
        for (const x of items) {
          ring.push(x);
          pushed.push(x);
          expect(ring.toArray()).toEqual(lastItems(pushed, capacity));
          expect(ring.length).toBe(Math.min(pushed.length, Math.max(capacity, 0)));
        }
      }),
    );
  });

  it('keeps Octez’s 100 events across growth and wrap-around', () => {
    const ring = new Ring<number>(EVENT_LOG_SIZE);
    for (let i = 0; i < 250; i++) ring.push(i);
    expect(ring.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });

  it('sends every item pushed after a watch, stored or not', () => {
    const ring = new Ring<number>(1);
    ring.push(1);
    const seen: number[] = [];
    ring.watch().subscribe((x) => seen.push(x));
    ring.push(2);
    ring.push(3);
    expect(seen).toEqual([2, 3]);
    expect(ring.toArray()).toEqual([3]);
  });
});
