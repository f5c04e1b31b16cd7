import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { f64, randomizeParams, relErr, testBackends, uniform, useBackend } from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import { BiSSMRouting } from './bissm.js';

const B = 2;
const L = 9;
const H = 8;
const N = 4;
const scale = (name: string): [number, number] | null =>
  /\.(A_re|A_im|C|log_step)$/.test(name) ? null : name.endsWith('.D') ? [0.5, 1.5] : [-0.6, 0.6];

for (const backend of await testBackends()) {
  describe(`bissm routing on ${backend}`, () => {
    afterAll(() => tf.disposeVariables());

    for (const strategy of ['toeplitz', 'fft'] as const) {
      it(`flip-free anticausal backward branch == literal flip∘Dense∘conv∘Dense∘flip (values and all gradients, ${strategy})`, async () => {
        await useBackend(backend);
        const mk = (backwardMode: 'anticausal' | 'flip') => {
          const r = new BiSSMRouting({
            hiddenSize: H,
            numSsm: N,
            seed: 3,
            convStrategy: strategy,
            backwardMode,
          });
          randomizeParams(r, 9, scale, tf);
          return r;
        };
        const a = mk('anticausal');
        const b = mk('flip');
        const x = tf.tensor3d(Float32Array.from(uniform(B * L * H, 1, -1, 1)), [B, L, H]);
        const w = tf.tensor3d(Float32Array.from(uniform(B * L * H, 2, -1, 1)), [B, L, H]);
        const ctx = ForwardContext.eval();
        const ya = a.forward(x, null, ctx);
        const yb = b.forward(x, null, ctx);
        expect(relErr(f64(ya), f64(yb))).toBeLessThan(2e-6);
        const loss = (r: BiSSMRouting) => () => tf.sum(tf.mul(r.forward(x, null, ctx), w)) as tf.Scalar;
        const ga = tf.variableGrads(loss(a), a.variables());
        const gb = tf.variableGrads(loss(b), b.variables());
        const namesA = a.namedParameters();
        const namesB = b.namedParameters();
        namesA.forEach(([name, p], i) => {
          const pb = namesB[i]![1];
          expect(
            relErr(f64(ga.grads[p.variable.name]!), f64(gb.grads[pb.variable.name]!)),
            name,
          ).toBeLessThan(2e-5);
        });
        // gradient w.r.t. the input too
        const gxa = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(a.forward(z as tf.Tensor3D, null, ctx), w)))(x);
        const gxb = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(b.forward(z as tf.Tensor3D, null, ctx), w)))(x);
        expect(relErr(f64(gxa), f64(gxb))).toBeLessThan(2e-5);
        tf.dispose([
          x,
          w,
          ya,
          yb,
          gxa,
          gxb,
          ga.value,
          gb.value,
          ...Object.values(ga.grads),
          ...Object.values(gb.grads),
        ]);
        a.dispose();
        b.dispose();
      });
    }
  });
}

describe('bissm semantics (cpu)', () => {
  afterAll(() => tf.disposeVariables());

  it('ignores the mask, and outputs at real tokens DO change with the padding content (docs/guide/architecture.md#length-and-padding)', async () => {
    await useBackend('cpu');
    const r = new BiSSMRouting({ hiddenSize: H, numSsm: N, seed: 1 });
    randomizeParams(r, 2, scale, tf);
    const real = 5; // tokens 0..4 real, 5..8 padding
    const maskV = Float32Array.from({ length: B * L }, (_, i) => (i % L < real ? 1 : 0));
    const mask = tf.tensor2d(maskV, [B, L]);
    const xv = uniform(B * L * H, 3, -1, 1);
    const xv2 = Float64Array.from(xv);
    for (let i = 0; i < xv2.length; i++)
      if (maskV[Math.floor(i / H)] === 0) xv2[i] = uniform(1, i, -1, 1)[0]!;
    const x1 = tf.tensor3d(Float32Array.from(xv), [B, L, H]);
    const x2 = tf.tensor3d(Float32Array.from(xv2), [B, L, H]);
    const ctx = ForwardContext.eval();
    const y1 = f64(r.forward(x1, mask, ctx));
    expect(relErr(y1, f64(r.forward(x1, null, ctx)))).toBe(0); // mask ignored
    const y2 = f64(r.forward(x2, mask, ctx));
    let maxDiffReal = 0;
    for (let i = 0; i < y1.length; i++)
      if (maskV[Math.floor(i / H)] === 1) maxDiffReal = Math.max(maxDiffReal, Math.abs(y1[i]! - y2[i]!));
    expect(maxDiffReal).toBeGreaterThan(1e-4); // the backward SSM at real tokens sees the trailing padding
    tf.dispose([mask, x1, x2]);
    r.dispose();
  });

  it('SSM parameters are weight-decayed (group ssm), dense biases are not (docs/guide/architecture.md#ssm-parameters)', () => {
    const r = new BiSSMRouting({ hiddenSize: H, numSsm: N });
    const meta = Object.fromEntries(r.namedParameters().map(([n, p]) => [n, p.meta]));
    for (const d of ['fs4', 'bs4'])
      for (const p of ['A_re', 'A_im', 'C', 'D', 'log_step'])
        expect(meta[`${d}.${p}`]).toEqual({ weightDecay: true, group: 'ssm' });
    for (const d of ['du_forward', 'du_backward', 'duc_forward', 'duc_backward']) {
      expect(meta[`${d}.kernel`]!.weightDecay).toBe(true);
      expect(meta[`${d}.bias`]!.weightDecay).toBe(false);
    }
    r.dispose();
  });

  it('S4D init per docs/guide/architecture.md#ssm-parameters: A_re = −0.5, D = 1, log_step in [log 0.01, 0], hippo A_im in ± pairs; fs4 ≠ bs4', () => {
    const r = new BiSSMRouting({ hiddenSize: H, numSsm: N, seed: 4 });
    expect([...f64(r.fs4.aRe)]).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect([...f64(r.fs4.d)]).toEqual([1]);
    const ls = f64(r.fs4.logStep)[0]!;
    expect(ls).toBeGreaterThanOrEqual(Math.log(0.01) - 1e-6);
    expect(ls).toBeLessThanOrEqual(0);
    const aim = f64(r.fs4.aIm);
    expect(Math.abs(aim[0]! + aim[3]!)).toBeLessThan(1e-4);
    expect(relErr(f64(r.fs4.c), f64(r.bs4.c))).toBeGreaterThan(0.01);
    const k = r.fs4.kernel(L);
    expect(k.shape).toEqual([L]);
    tf.dispose(k);
    r.dispose();
  });
});
