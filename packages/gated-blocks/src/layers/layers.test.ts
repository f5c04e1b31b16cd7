import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { f64, geluErfF, geluTanhF, layerNormF, relErr, uniform, useBackend } from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import { activation, gelu, geluErf, geluTanh } from './activations.js';
import { Dense } from './dense.js';
import { dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';

const xs = uniform(64, 1, -4, 4);

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`activations on ${backend}`, () => {
    it('geluTanh / geluErf match float64 definitions, values and gradients (finite differences)', async () => {
      await useBackend(backend);
      const x = tf.tensor1d(Float32Array.from(xs));
      for (const [fn, ref] of [
        [geluTanh, geluTanhF],
        [geluErf, geluErfF],
      ] as const) {
        expect(relErr(f64(fn(x)), xs.map(ref))).toBeLessThan(2e-6);
        const g = f64(tf.grad((z: tf.Tensor) => fn(z))(x)); // [64]
        const eps = 1e-5;
        const fd = xs.map((v) => (ref(v + eps) - ref(v - eps)) / (2 * eps));
        expect(relErr(g, fd)).toBeLessThan(1e-5);
      }
      expect(relErr(f64(gelu(x, 'erf')), f64(geluErf(x)))).toBe(0);
      expect(relErr(f64(activation('gelu_new')(x)), f64(geluTanh(x)))).toBe(0);
      expect(() => gelu(x, 'exact' as never)).toThrow(/kind must be 'tanh' \| 'erf', got "exact"/);
      expect(() => activation('swish' as never)).toThrow(/name must be one of/);
      x.dispose();
    });
  });
}

describe('LayerNorm, Dense, dropout (cpu)', () => {
  afterAll(() => tf.disposeVariables());

  it('LayerNorm matches float64, has weight/bias without weight decay', async () => {
    await useBackend('cpu');
    const ln = new LayerNorm({ size: 8, eps: 1e-5 });
    ln.weight.assign(tf.tensor1d(Float32Array.from(uniform(8, 2, 0.5, 1.5))));
    ln.bias.assign(tf.tensor1d(Float32Array.from(uniform(8, 3))));
    const xv = uniform(3 * 8, 4, -3, 3);
    const y = ln.forward(tf.tensor2d(Float32Array.from(xv), [3, 8]));
    const ref = layerNormF(xv, 3, 8, f64(ln.weight), f64(ln.bias), 1e-5);
    expect(relErr(f64(y), ref)).toBeLessThan(1e-6);
    expect(ln.namedParameters().map(([n, p]) => [n, p.meta.weightDecay])).toEqual([
      ['weight', false],
      ['bias', false],
    ]);
    expect(() => ln.forward(tf.zeros([2, 7]))).toThrow(/last dimension 8, got shape \[2, 7\]/);
    ln.dispose();
  });

  it('Dense: [in, out] kernel ~ N(0, 0.02), zero bias, kernel decayed / bias not, deterministic by seed', () => {
    const d = new Dense({ inFeatures: 64, outFeatures: 32, seed: 7 });
    const k = f64(d.kernel);
    const mean = k.reduce((a, b) => a + b, 0) / k.length;
    const std = Math.sqrt(k.reduce((a, b) => a + (b - mean) ** 2, 0) / k.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.002);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(d.kernel.shape).toEqual([64, 32]);
    expect(f64(d.bias!).every((v) => v === 0)).toBe(true);
    expect(d.namedParameters().map(([n, p]) => [n, p.meta.weightDecay])).toEqual([
      ['kernel', true],
      ['bias', false],
    ]);
    const d2 = new Dense({ inFeatures: 64, outFeatures: 32, seed: 7 });
    expect(relErr(f64(d2.kernel), k)).toBe(0);
    const y = d.forward(tf.ones([2, 3, 64])); // [2, 3, 32]
    expect(y.shape).toEqual([2, 3, 32]);
    expect(() => d.forward(tf.ones([2, 63]))).toThrow(/last dimension 64/);
    d.dispose();
    d2.dispose();
  });

  it('dropout: identity in eval, seeded and inverted-scaled in training', () => {
    const x = tf.ones([4, 100]);
    expect(dropout(x, 0.5, ForwardContext.eval())).toBe(x);
    const a = f64(dropout(x, 0.5, ForwardContext.train(3)));
    const b = f64(dropout(x, 0.5, ForwardContext.train(3)));
    const c = f64(dropout(x, 0.5, ForwardContext.train(4)));
    expect(relErr(a, b)).toBe(0);
    expect(relErr(a, c)).toBeGreaterThan(0);
    expect(new Set(a)).toEqual(new Set([0, 2]));
    const kept = a.filter((v) => v > 0).length / a.length;
    expect(kept).toBeGreaterThan(0.35);
    expect(kept).toBeLessThan(0.65);
    expect(() => dropout(x, 1, ForwardContext.train(1))).toThrow(/rate must be a number in \[0, 1\), got 1/);
    x.dispose();
  });
});
