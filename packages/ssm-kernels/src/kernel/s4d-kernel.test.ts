import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initS4D } from './init.js';
import type { S4DHostParams } from './params.js';
import { s4dParamsToTensors } from './params.js';
import { s4dKernelF64 } from './reference.js';
import { s4dKernel } from './s4d-kernel.js';
import { BACKENDS, finiteDiff, lossF64, maxRelErr, useBackend, weights } from './test-helpers.js';

function f64Params(p: S4DHostParams): S4DHostParams {
  const c = (a: { values: ArrayLike<number>; shape: readonly number[] }) => ({
    values: Float64Array.from(a.values),
    shape: a.shape.slice(),
  });
  return { logDt: c(p.logDt), logAReal: c(p.logAReal), aImag: c(p.aImag), c: c(p.c), d: c(p.d) };
}

/** Vary A so that the gradient test does not sit on the symmetric init. */
function perturbed(h: number, n: number, seed: number): S4DHostParams {
  const p = initS4D(h, n, { seed });
  const w = weights(p.logAReal.values.length * 2, seed + 1);
  const la = Float32Array.from(p.logAReal.values, (v, i) => v + 0.3 * w[i]!);
  const im = Float32Array.from(p.aImag.values, (v, i) => v + 0.5 * w[la.length + i]!);
  const dt = Float32Array.from(p.logDt.values, (v) => v + 2); // Δ in [0.007, 0.7]: visible decay over L
  return {
    ...p,
    logAReal: { values: la, shape: p.logAReal.shape },
    aImag: { values: im, shape: p.aImag.shape },
    logDt: { values: dt, shape: p.logDt.shape },
  };
}

describe.each(BACKENDS)('s4dKernel on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  // Tolerance: 1e-5 of max|K| per call (float32 vs float64 reference).
  it.each([
    [4, 64, 128],
    [3, 8, 1],
    [5, 16, 97],
  ] as const)('matches the float64 reference (H=%i, N=%i, L=%i)', (h, n, length) => {
    const host = initS4D(h, n, { seed: h * n + length });
    const params = s4dParamsToTensors(host);
    const k = s4dKernel(params, length); // [H, L]
    expect(k.shape).toEqual([h, length]);
    const ref = s4dKernelF64(host, length); // [H, L]
    expect(maxRelErr(k.dataSync(), ref)).toBeLessThan(1e-5);
    const kf = s4dKernel(params, length, { impl: 'fallback' }); // [H, L]
    expect(maxRelErr(kf.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([k, kf, ...Object.values(params)]);
  });

  it('gradients match float64 central differences for logDt, logAReal, aImag, c', () => {
    const h = 3;
    const n = 8;
    const length = 32;
    const host = perturbed(h, n, 4);
    const r = weights(h * length, 9); // [H, L]
    const rT = tf.tensor2d(Float32Array.from(r), [h, length]);
    const params = s4dParamsToTensors(host);
    const mk =
      (impl: 'auto' | 'fallback') =>
      (logDt: tf.Tensor, logAReal: tf.Tensor, aImag: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(rT, tf.tanh(s4dKernel({ logDt, logAReal, aImag, c, d: params.d }, length, { impl })))); // []
    const xs = [params.logDt, params.logAReal, params.aImag, params.c];
    const grads = tf.grads(mk('auto'))(xs); // [H], [H, M], [H, M], [H, M, 2]
    const gradsFb = tf.grads(mk('fallback'))(xs);
    const p64 = f64Params(host);
    const f = () => lossF64(s4dKernelF64(p64, length), r);
    (['logDt', 'logAReal', 'aImag', 'c'] as const).forEach((name, i) => {
      const fd = finiteDiff(p64[name].values as Float64Array, f, 1e-6);
      // Tolerance: 2e-4 of the largest |gradient| of the group.
      expect(maxRelErr(grads[i]!.dataSync(), fd), name).toBeLessThan(2e-4);
      expect(maxRelErr(gradsFb[i]!.dataSync(), fd), `${name} fallback`).toBeLessThan(2e-4);
    });
    tf.dispose([...grads, ...gradsFb, rT, ...Object.values(params)]);
  });

  it('does not leak tensors over repeated forward + grad', () => {
    const params = s4dParamsToTensors(initS4D(4, 8, { seed: 2 }));
    const step = () =>
      tf
        .tidy(() => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
            tf.sum(tf.square(s4dKernel({ logDt: a, logAReal: b, aImag: c, c: d, d: params.d }, 16))),
          )([params.logDt, params.logAReal, params.aImag, params.c]);
          return g[3]!.sum();
        })
        .dispose();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(params));
  });

  it('gives clear errors on bad input', () => {
    const params = s4dParamsToTensors(initS4D(4, 8));
    expect(() => s4dKernel(params, -1)).toThrow(/s4dKernel: length must be an integer >= 1, got -1/);
    const badC = tf.zeros([4, 4]);
    expect(() => s4dKernel({ ...params, c: badC }, 8)).toThrow(
      /s4dKernel: c must have shape \[4, 4, 2\], got \[4, 4\]/,
    );
    const badDt = tf.zeros([3]);
    expect(() => s4dKernel({ ...params, logDt: badDt }, 8)).toThrow(/logDt must have shape \[4\], got \[3\]/);
    tf.dispose([badC, badDt, ...Object.values(params)]);
  });
});
