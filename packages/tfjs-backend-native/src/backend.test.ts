import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NativeBackend, nativeInfo, registerNativeBackend } from './index.js';

beforeAll(async () => {
  expect(registerNativeBackend()).toBe(true);
  await tf.setBackend('native');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const backend = () => tf.backend() as NativeBackend;

describe('native backend', () => {
  it('is registered, active, and reports its BLAS and threads', () => {
    expect(tf.getBackend()).toBe('native');
    const info = nativeInfo();
    expect(info?.poolThreads).toBeGreaterThanOrEqual(1);
    expect(['openblas', 'mkl', 'blis', 'flexiblas', 'blas', 'accelerate', 'custom', 'built-in']).toContain(
      info?.blas.name,
    );
  });

  it('recycles buffers of disposed tensors', () => {
    const pool = backend().pool;
    const a = tf.matMul(tf.ones([32, 16]), tf.ones([16, 32])); // [32, 32], a pooled output
    a.dispose();
    const hits = pool.stats.hits;
    tf.matMul(tf.ones([32, 16]), tf.ones([16, 32])).dispose();
    expect(pool.stats.hits).toBeGreaterThan(hits);
  });

  it('never recycles values handed to user code by dataSync()', () => {
    const t = tf.matMul(tf.ones([8, 4]), tf.ones([4, 8])); // [8, 8] of 4
    const v = t.dataSync();
    t.dispose();
    for (let i = 0; i < 5; i++) tf.matMul(tf.zeros([8, 4]), tf.ones([4, 8])).dispose();
    expect(Array.from(v).every((x) => x === 4)).toBe(true);
  });

  it('never recycles a buffer that a slice view still uses', () => {
    const x = tf.matMul(tf.ones([8, 4]), tf.ones([4, 8])); // [8, 8] of 4
    const s = tf.slice(x, [2, 0], [2, 8]); // [2, 8]
    x.dispose();
    for (let i = 0; i < 5; i++) tf.matMul(tf.zeros([8, 4]), tf.ones([4, 8])).dispose();
    expect(Array.from(s.dataSync()).every((v) => v === 4)).toBe(true);
    s.dispose();
  });

  it('leaks no tensors across repeated training-like steps', () => {
    const w = tf.variable(tf.randomNormal([16, 8]));
    const x = tf.randomNormal([4, 16]);
    const step = () =>
      tf.tidy(() => {
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, v))))(w); // [16, 8]
        w.assign(tf.sub(w, tf.mul(g, 1e-3)));
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports pool statistics in memory()', () => {
    const m = backend().memory() as unknown as Record<string, number>;
    expect(m.poolHits).toBeGreaterThan(0);
    expect(typeof m.poolIdleBytes).toBe('number');
  });

  it('runs kernels it does not override through the cpu kernels (int32 and string ops)', () => {
    expect(Array.from(tf.range(0, 5, 1, 'int32').dataSync())).toEqual([0, 1, 2, 3, 4]);
    expect(tf.tensor1d(['a', 'b'], 'string').shape).toEqual([2]);
    expect(Array.from(tf.argMax(tf.tensor2d([1, 5, 3, 2], [2, 2]), 1).dataSync())).toEqual([1, 0]);
  });
});
