import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('reuses a released buffer of the same length and counts hits', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.acquire(100);
    pool.release(a);
    expect(pool.idleBytes).toBe(400);
    expect(pool.acquire(100)).toBe(a);
    expect(pool.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(pool.acquire(100)).not.toBe(a);
  });

  it('never recycles escaped or foreign arrays, nor views', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.acquire(8);
    pool.escape(a);
    pool.release(a);
    pool.release(new Float32Array(8));
    const whole = new Float32Array(16);
    pool.adopt(whole.subarray(4, 12));
    pool.release(whole.subarray(4, 12));
    expect(pool.idleBytes).toBe(0);
    expect(pool.acquire(8)).not.toBe(a);
  });

  it('drops buffers past its byte cap', () => {
    const pool = new BufferPool(64);
    const a = pool.acquire(16);
    const b = pool.acquire(16);
    pool.release(a);
    pool.release(b);
    expect(pool.idleBytes).toBe(64);
    expect(pool.stats.dropped).toBe(1);
  });

  it('zeroes reused buffers when asked', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.acquire(4);
    a.fill(7);
    pool.release(a);
    expect(Array.from(pool.acquireZeroed(4))).toEqual([0, 0, 0, 0]);
  });
});
