import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fifo } from '../src/fifo.js';

describe('Fifo (a ring that grows and gives back its array once emptied)', () => {
  it('behaves as an array used as a queue, across growth, wrap-around and emptying', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: -3000, max: -1 }))), (ops) => {
        const q = new Fifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const op of ops) {
          if (op > 0)
            for (let i = 0; i < op; i++, next++) {
              q.push(next);
              model.push(next);
            }
          else for (let i = 0; i < -op; i++) expect(q.shift()).toBe(model.shift());
          expect(q.length).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
          expect(q.at(model.length >> 1)).toBe(model[model.length >> 1]);
          expect(q.at(model.length)).toBeUndefined();
          expect(q.at(-1)).toBeUndefined();
        }
        expect(q.clear()).toEqual(model);
        expect(q.length).toBe(0);
        expect(q.shift()).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
