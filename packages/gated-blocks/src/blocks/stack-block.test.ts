import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attentionF,
  bissmF,
  f64,
  geluErfF,
  geluTanhF,
  paramsF,
  randomizeParams,
  relErr,
  stackBlockF,
  uniform,
  useBackend,
} from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import { StackBlock } from './stack-block.js';

const B = 2;
const L = 6;
const H = 8;
const I = 16;
const maskV = Float64Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
const scale = (name: string): [number, number] | null => {
  if (/\.(A_re|A_im|C|log_step)$/.test(name)) return null;
  if (name.endsWith('norm.weight') || name.endsWith('.D')) return [0.5, 1.5];
  return [-0.6, 0.6];
};

describe('StackBlock vs float64 reference', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  const hv = uniform(B * L * H, 8, -2, 2);
  for (const preNorm of [false, true])
    for (const routing of ['attention', 'bissm'] as const) {
      it(`${routing}, ${preNorm ? 'pre' : 'post'}-norm (eval: no dropout): max rel err < 1e-5`, () => {
        const blk = new StackBlock({
          routing,
          hiddenSize: H,
          intermediateSize: I,
          preNorm,
          layerNormEps: 1e-12,
          hiddenDropoutProb: 0.1,
          seed: 4,
          routingOptions: { numAttentionHeads: 2, numSsm: 4, blockGelu: 'tanh' },
        });
        randomizeParams(blk, 6, scale, tf);
        const p = paramsF(blk);
        const mask = routing === 'attention' ? maskV : null;
        const route = (x: Float64Array) =>
          routing === 'attention'
            ? attentionF(p, 'routing.', x, mask, B, L, H, 2)
            : bissmF(p, 'routing.', x, B, L, H, geluTanhF);
        const ref = stackBlockF(p, route, hv, B, L, H, I, geluErfF, preNorm, 1e-12);
        const h = tf.tensor3d(Float32Array.from(hv), [B, L, H]);
        const m = tf.tensor2d(Float32Array.from(maskV), [B, L]);
        const y = blk.forward(h, m, ForwardContext.eval());
        expect(relErr(f64(y), ref)).toBeLessThan(1e-5);
        tf.dispose([h, m, y]);
        blk.dispose();
      });
    }

  it('has the documented parameter names; hidden dropout only in training', () => {
    const blk = new StackBlock({
      routing: 'attention',
      hiddenSize: H,
      intermediateSize: I,
      routingOptions: { numAttentionHeads: 2 },
    });
    expect(blk.namedParameters().map(([n]) => n)).toEqual([
      'attention_norm.weight',
      'attention_norm.bias',
      'routing.query.kernel',
      'routing.query.bias',
      'routing.key.kernel',
      'routing.key.bias',
      'routing.value.kernel',
      'routing.value.bias',
      'routing.output.kernel',
      'routing.output.bias',
      'ffn_norm.weight',
      'ffn_norm.bias',
      'intermediate.kernel',
      'intermediate.bias',
      'output.kernel',
      'output.bias',
    ]);
    const h = tf.tensor3d(Float32Array.from(hv), [B, L, H]);
    const e = f64(blk.forward(h, null, ForwardContext.eval()));
    const t = f64(blk.forward(h, null, ForwardContext.train(1)));
    expect(relErr(e, t)).toBeGreaterThan(1e-4);
    h.dispose();
    blk.dispose();
  });
});
