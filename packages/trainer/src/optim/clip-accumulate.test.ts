import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradientAccumulator } from './accumulate.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';

describe('clipping', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('computes the global norm and scales by maxNorm/(norm+1e-6) only above the threshold', () => {
    const gs = [tf.tensor1d([3, 0]), tf.tensor2d([[0], [4]])];
    const n = globalNorm(gs);
    expect(n.dataSync()[0]).toBeCloseTo(5, 6);
    const { grads, norm } = clipByGlobalNorm(gs, 1);
    expect(norm).toBeCloseTo(5, 6);
    const s = 1 / (5 + 1e-6);
    expect(Array.from(grads[0]!.dataSync())).toEqual([Math.fround(3 * s), 0]);
    expect(grads[1]!.dataSync()[1]).toBeCloseTo(4 * s, 6);
    const same = clipByGlobalNorm(gs, 10);
    expect(Array.from(same.grads[0]!.dataSync())).toEqual([3, 0]);
    tf.dispose([...gs, n, ...grads, ...same.grads]);
  });
});

describe('gradient accumulation', () => {
  it('the mean of k micro-batch gradients equals the gradient of one big batch (mean loss)', () => {
    const w = tf.variable(tf.tensor1d([0.3, -0.7, 1.1]));
    const X = tf.tensor2d(
      Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.3)),
      [8, 3],
    );
    const y = tf.tensor1d(Array.from({ length: 8 }, (_, i) => Math.cos(i)));
    const loss = (x: tf.Tensor2D, t: tf.Tensor1D) => () =>
      tf.mean(tf.square(tf.sub(tf.sum(tf.mul(x, w), 1), t))) as tf.Scalar;
    const big = tf.variableGrads(loss(X, y), [w]);
    const acc = new GradientAccumulator();
    for (let k = 0; k < 4; k++) {
      const xs = tf.slice(X, [2 * k, 0], [2, 3]);
      const ys = tf.slice(y, [2 * k], [2]);
      const { value, grads } = tf.variableGrads(loss(xs, ys), [w]);
      acc.add({ w: grads[w.name]! });
      tf.dispose([xs, ys, value]);
    }
    expect(acc.count).toBe(4);
    const mean = acc.takeMean();
    const a = Array.from(mean.w!.dataSync());
    const b = Array.from(big.grads[w.name]!.dataSync());
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
    expect(acc.count).toBe(0);
    tf.dispose([w, X, y, big.value, big.grads[w.name]!, mean.w!]);
  });
});
