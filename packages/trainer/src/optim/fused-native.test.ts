import '@bigs/tfjs-backend-native';
import { Module, type ParamMeta } from '@bigs/gated-blocks';
import { BiGSForMaskedLM, createConfig, TINY } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW, PRETRAIN_ADAMW } from './adamw.js';
import { clipCoefficient, globalNorm } from './clip.js';

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

class Params extends Module {
  constructor(specs: Array<[string, number[], ParamMeta]>) {
    super();
    for (const [name, shape, meta] of specs) {
      const n = shape.reduce((a, b) => a * b, 1);
      this.addParam(name, { values: rand(n, n + name.length), shape }, meta);
    }
  }
}

const SPECS: Array<[string, number[], ParamMeta]> = [
  ['w', [300, 257], { weightDecay: true }],
  ['b', [257], { weightDecay: false, lrScale: 0.5 }],
  ['s', [1], { weightDecay: true, lrScale: 2 }],
];

/** Five AdamW steps (steps 2 and 4 clipped) on `backend`; the parameters afterwards. */
async function train(
  backend: string,
): Promise<{ params: Float32Array[]; kernels: string[]; norms: number[] }> {
  await tf.setBackend(backend);
  const model = new Params(SPECS);
  const opt = new AdamW(model, { ...PRETRAIN_ADAMW });
  const kernels = new Set<string>();
  const norms: number[] = [];
  for (let step = 1; step <= 5; step++) {
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, shape] of SPECS) {
      const n = shape.reduce((a, b) => a * b, 1);
      grads[name] = tf.tensor(rand(n, 100 * step + name.length, 0.2), shape);
    }
    const normT = globalNorm(Object.values(grads));
    const norm = normT.dataSync()[0]!;
    normT.dispose();
    norms.push(norm);
    const coef = step % 2 === 0 ? clipCoefficient(norm, norm / 3) : 1;
    const info = await tf.profile(() => {
      opt.applyGradients(grads, 1e-2, coef);
      return tf.scalar(0);
    });
    for (const k of info.kernelNames) kernels.add(k);
    tf.dispose(Object.values(grads));
  }
  const params = model.namedParameters().map(([, p]) => (p.variable.dataSync() as Float32Array).slice());
  return { params, kernels: [...kernels], norms };
}

let previous = 'cpu';
beforeAll(() => {
  previous = tf.getBackend() ?? 'cpu';
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('AdamW and globalNorm on native (fused kernels)', () => {
  it('match the composite AdamW on cpu over several steps, clipping included (≤ 1e-6 relative)', async () => {
    const want = await train('cpu');
    const got = await train('native');
    expect(want.kernels).not.toContain('BigsAdamW');
    expect(got.kernels).toEqual(['BigsAdamW']); // one fused kernel per parameter, nothing else
    got.norms.forEach((n, i) => {
      expect(Math.abs(n - want.norms[i]!) / want.norms[i]!).toBeLessThan(1e-6);
    });
    got.params.forEach((p, k) => {
      const q = want.params[k]!;
      let worst = 0;
      for (let i = 0; i < q.length; i++)
        worst = Math.max(worst, Math.abs(p[i]! - q[i]!) / Math.max(Math.abs(q[i]!), 1e-3));
      expect(worst).toBeLessThanOrEqual(1e-6);
    });
  });

  it('a BiGS MLM training step on native runs BigsGelu, BigsLayerNorm, their gradients and BigsSumSquares', async () => {
    await tf.setBackend('native');
    const model = new BiGSForMaskedLM(createConfig({ ...TINY }));
    const opt = new AdamW(model, { ...PRETRAIN_ADAMW });
    const b = 2;
    const l = 16;
    const ids = tf.tensor2d(
      Array.from({ length: b * l }, (_, i) => (i * 7) % 50),
      [b, l],
      'int32',
    );
    const labels = tf.tensor2d(
      Array.from({ length: b * l }, (_, i) => (i % 3 === 0 ? (i * 5) % 50 : -100)),
      [b, l],
      'int32',
    );
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(
        () => model.forward({ inputIds: ids, labels }).loss as tf.Scalar,
        opt.trainableVariables(),
      );
      const named = opt.gradsByParamName(grads);
      const norm = globalNorm(Object.values(named));
      opt.applyGradients(named, 1e-3, clipCoefficient(norm.dataSync()[0]!, 1));
      tf.dispose([value, norm, ...Object.values(grads)]);
      return tf.scalar(0);
    });
    for (const k of [
      'BigsGelu',
      'BigsGeluGrad',
      'BigsLayerNorm',
      'BigsLayerNormGrad',
      'BigsSumSquares',
      'BigsAdamW',
    ]) {
      expect(info.kernelNames).toContain(k);
    }
    tf.dispose([ids, labels]);
    model.dispose?.();
    opt.dispose();
  });
});
