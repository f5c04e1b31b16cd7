import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attentionF,
  f64,
  paramsF,
  randomizeParams,
  relErr,
  uniform,
  useBackend,
} from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import { AttentionRouting } from './attention.js';

const B = 2;
const L = 6;
const H = 8;
const maskV = Float32Array.from([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);

describe('attention routing', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  it('matches a float64 reference with and without a mask', () => {
    const a = new AttentionRouting({ hiddenSize: H, numAttentionHeads: 2, seed: 1 });
    randomizeParams(a, 1, () => [-0.7, 0.7], tf);
    const xv = uniform(B * L * H, 2, -1, 1);
    const x = tf.tensor3d(Float32Array.from(xv), [B, L, H]);
    const m = tf.tensor2d(maskV, [B, L]);
    const p = paramsF(a);
    const ctx = ForwardContext.eval();
    expect(
      relErr(f64(a.forward(x, m, ctx)), attentionF(p, '', xv, Float64Array.from(maskV), B, L, H, 2)),
    ).toBeLessThan(1e-5);
    expect(relErr(f64(a.forward(x, null, ctx)), attentionF(p, '', xv, null, B, L, H, 2))).toBeLessThan(1e-5);
    tf.dispose([x, m]);
    a.dispose();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`honours the padding mask on ${backend}: real-position outputs and their gradients ignore padding content`, async () => {
      await useBackend(backend);
      const a = new AttentionRouting({ hiddenSize: H, numAttentionHeads: 2, seed: 2 });
      randomizeParams(a, 3, () => [-0.7, 0.7], tf);
      const xv = uniform(B * L * H, 4, -1, 1);
      const xv2 = Float64Array.from(xv);
      for (let i = 0; i < xv2.length; i++)
        if (maskV[Math.floor(i / H)] === 0) xv2[i] = 5 * uniform(1, 100 + i)[0]!;
      const m = tf.tensor2d(maskV, [B, L]);
      const x1 = tf.tensor3d(Float32Array.from(xv), [B, L, H]);
      const x2 = tf.tensor3d(Float32Array.from(xv2), [B, L, H]);
      const ctx = ForwardContext.eval();
      const y1 = f64(a.forward(x1, m, ctx));
      const y2 = f64(a.forward(x2, m, ctx));
      for (let i = 0; i < y1.length; i++)
        if (maskV[Math.floor(i / H)] === 1) expect(y2[i]).toBeCloseTo(y1[i]!, 6);
      // and without the mask the padding does leak in
      const z1 = f64(a.forward(x1, null, ctx));
      const z2 = f64(a.forward(x2, null, ctx));
      expect(Math.abs(z1[0]! - z2[0]!)).toBeGreaterThan(1e-4);
      // gradient w.r.t. padded inputs through real-position outputs is exactly zero
      const realOnly = tf.tensor3d(
        Float32Array.from({ length: B * L * H }, (_, i) => maskV[Math.floor(i / H)]!),
        [B, L, H],
      );
      const g = f64(
        tf.grad((z: tf.Tensor) => tf.sum(tf.mul(a.forward(z as tf.Tensor3D, m, ctx), realOnly)))(x1),
      );
      for (let i = 0; i < g.length; i++)
        if (maskV[Math.floor(i / H)] === 0) expect(Math.abs(g[i]!)).toBeLessThan(1e-7);
      tf.dispose([m, x1, x2, realOnly]);
      a.dispose();
    });
  }

  it('an all-padding row gives finite outputs; attention dropout is active only in training and seeded', async () => {
    await useBackend('cpu');
    const a = new AttentionRouting({ hiddenSize: H, numAttentionHeads: 2, attentionDropoutProb: 0.5 });
    randomizeParams(a, 5, () => [-0.7, 0.7], tf);
    const x = tf.tensor3d(Float32Array.from(uniform(B * L * H, 6)), [B, L, H]);
    const m = tf.zeros([B, L]) as tf.Tensor2D;
    expect(f64(a.forward(x, m, ForwardContext.eval())).every(Number.isFinite)).toBe(true);
    const e1 = f64(a.forward(x, null, ForwardContext.eval()));
    const e2 = f64(a.forward(x, null, ForwardContext.eval()));
    expect(relErr(e1, e2)).toBe(0);
    const t1 = f64(a.forward(x, null, ForwardContext.train(1)));
    const t1b = f64(a.forward(x, null, ForwardContext.train(1)));
    const t2 = f64(a.forward(x, null, ForwardContext.train(2)));
    expect(relErr(t1, t1b)).toBe(0);
    expect(relErr(t1, e1)).toBeGreaterThan(1e-3);
    expect(relErr(t1, t2)).toBeGreaterThan(1e-3);
    tf.dispose([x, m]);
    a.dispose();
  });
});
