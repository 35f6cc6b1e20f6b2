import { describe, expect, it } from 'vitest';
import { BufferPool } from '../src/buffer-pool.js';

describe('BufferPool', () => {
  it('gives a small request a buffer of its own size, never pooled', () => {
    const pool = new BufferPool(128 * 1024, 4);
    const small = pool.take(1066);
    expect(small.length).toBe(1066);
    pool.give(small);
    expect(pool.take(16 * 1024).length).toBe(16 * 1024);
  });

  it('reuses whole buffers for larger requests, and one-off buffers beyond its size', () => {
    const pool = new BufferPool(128 * 1024, 4);
    const b = pool.take(100 * 1024);
    expect(b.length).toBe(128 * 1024);
    pool.give(b);
    expect(pool.take(20 * 1024)).toBe(b);
    expect(pool.take(200 * 1024).length).toBe(200 * 1024);
  });
});
