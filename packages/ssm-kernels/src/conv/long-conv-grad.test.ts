import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longConv } from './long-conv.js';
import { longConvReference } from './reference.js';
import { randomValues, relMaxErr } from './test-utils.js';
import type { ConvDirection, ConvStrategy } from './types.js';

/**
 * Central finite differences of the float64 loss Σ tanh(y)·R (y from the float64 reference) against tf.grads of
 * the same loss through longConv (float32). Tolerance: 1e-4 of the largest gradient entry (observed ≤ 3e-6).
 */
const TOL = 1e-4;

let previous = '';
beforeAll(() => {
  previous = tf.getBackend();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

function fdCheck(
  B: number,
  L: number,
  H: number,
  shared: boolean,
  dLen: 1 | 'H',
  direction: ConvDirection,
  strategy: ConvStrategy,
): void {
  const kShape = shared ? [L] : [H, L];
  const u = randomValues(B * L * H, 21 + L);
  const k = randomValues(shared ? L : H * L, 22 + H).map((v) => 0.5 * v);
  const d = randomValues(dLen === 1 ? 1 : H, 23);
  const r = randomValues(B * L * H, 24);
  const loss = (uu: Float64Array, kk: Float64Array, dd: Float64Array) => {
    const y = longConvReference(uu, [B, L, H], kk, kShape, dd, direction);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += Math.tanh(y[i]!) * r[i]!;
    return s;
  };
  const eps = 1e-5;
  const fd = (which: 0 | 1 | 2) => {
    const args = [u.slice(), k.slice(), d.slice()] as [Float64Array, Float64Array, Float64Array];
    const x = args[which];
    const g = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i]!;
      x[i] = x0 + eps;
      const fp = loss(...args);
      x[i] = x0 - eps;
      const fm = loss(...args);
      x[i] = x0;
      g[i] = (fp - fm) / (2 * eps);
    }
    return g;
  };
  const [gu, gk, gd] = tf.tidy(() => {
    const rt = tf.tensor3d(Float32Array.from(r), [B, L, H]);
    const f = (ut: tf.Tensor, kt: tf.Tensor, dt: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(longConv(ut, kt, dt, { direction, strategy })), rt));
    const grads = tf.grads(f)([
      tf.tensor3d(Float32Array.from(u), [B, L, H]),
      tf.tensor(Float32Array.from(k), kShape),
      tf.tensor1d(Float32Array.from(d)),
    ]);
    return grads.map((g) => g.dataSync().slice());
  }) as [Float32Array, Float32Array, Float32Array];
  expect(relMaxErr(gu, fd(0)), 'du').toBeLessThan(TOL);
  expect(relMaxErr(gk, fd(1)), 'dk').toBeLessThan(TOL);
  expect(relMaxErr(gd, fd(2)), 'dd').toBeLessThan(TOL);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`longConv gradients (central FD of a float64 reference) on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });
    const strategies: ConvStrategy[] =
      backend === 'cpu' ? ['toeplitz', 'fft', 'spectral'] : ['toeplitz', 'fft'];
    for (const strategy of strategies) {
      for (const shared of [true, false]) {
        it(`${strategy} ${shared ? 'shared k [L]' : 'per-channel k [H, L]'}: du, dk, dd, both directions, d [1] and [H]`, () => {
          for (const direction of ['causal', 'anticausal'] as const) {
            fdCheck(2, 7, 3, shared, 1, direction, strategy);
            fdCheck(1, 5, 2, shared, 'H', direction, strategy);
          }
          fdCheck(2, 1, 2, shared, 1, 'causal', strategy);
        });
      }
    }

    it('does not leak tensors over repeated forward + backward (every strategy)', () => {
      const u = tf.randomNormal([2, 16, 3], 0, 1, 'float32', 1);
      const ks = tf.randomNormal([16], 0, 1, 'float32', 2);
      const kp = tf.randomNormal([3, 16], 0, 1, 'float32', 3);
      const d = tf.tensor1d([0.5]);
      const strategiesHere: ConvStrategy[] = [...strategies, 'auto'];
      const step = () => {
        for (const strategy of strategiesHere) {
          for (const k of [ks, kp]) {
            for (const direction of ['causal', 'anticausal'] as const) {
              const [g1, g2, g3] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
                tf.sum(tf.tanh(longConv(a, b, c, { strategy, direction }))),
              )([u, k, d]);
              tf.dispose([g1!, g2!, g3!]);
              tf.dispose(longConv(u, k, d, { strategy, direction }));
            }
          }
        }
      };
      step();
      const before = tf.memory().numTensors;
      step();
      step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([u, ks, kp, d]);
    });
  });
}
