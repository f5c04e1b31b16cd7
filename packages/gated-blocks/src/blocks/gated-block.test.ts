import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attentionF,
  bissmF,
  f64,
  gatedBlockF,
  geluErfF,
  geluTanhF,
  paramsF,
  randomizeParams,
  relErr,
  uniform,
  useBackend,
} from '../../test/helpers/f64.js';
import type { GeluKind } from '../layers/activations.js';
import { ForwardContext } from '../module/context.js';
import { GatedBlock } from './gated-block.js';

const B = 2;
const L = 7;
const H = 8;
const I = 16;
const N = 4;

/** Large-ish random weights so F(x) is O(1) next to the residual (init std 0.02 would hide errors in F). */
const scale = (name: string): [number, number] | null => {
  if (/\.(A_re|A_im|C|log_step)$/.test(name)) return null; // keep the docs/guide/architecture.md#ssm-parameters init of the SSM
  if (name.endsWith('.D')) return [0.5, 1.5];
  if (name.startsWith('LayerNorm.weight')) return [0.5, 1.5];
  return [-0.6, 0.6];
};

function build(opts: {
  blockGelu: GeluKind;
  preNorm: boolean;
  routing?: string;
  strategy?: 'toeplitz' | 'fft';
}) {
  const blk = new GatedBlock({
    routing: opts.routing ?? 'bissm',
    hiddenSize: H,
    intermediateSize: I,
    blockGelu: opts.blockGelu,
    preNorm: opts.preNorm,
    layerNormEps: 1e-12,
    seed: 11,
    routingOptions: { numSsm: N, convStrategy: opts.strategy ?? 'toeplitz', numAttentionHeads: 2 },
  });
  randomizeParams(blk, 3, scale, tf);
  return blk;
}

describe('GatedBlock with bissm = BiGS layer (docs/guide/architecture.md#bigs-block) vs a float64 reference with literal flips', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  const h = uniform(B * L * H, 5, -2, 2);
  const cases: Array<{ blockGelu: GeluKind; preNorm: boolean; strategy: 'toeplitz' | 'fft' }> = [
    { blockGelu: 'tanh', preNorm: true, strategy: 'toeplitz' },
    { blockGelu: 'tanh', preNorm: true, strategy: 'fft' },
    { blockGelu: 'erf', preNorm: true, strategy: 'toeplitz' },
    { blockGelu: 'tanh', preNorm: false, strategy: 'toeplitz' },
  ];
  for (const c of cases) {
    it(`gelu=${c.blockGelu} preNorm=${c.preNorm} conv=${c.strategy}: max rel err < 1e-5`, () => {
      const blk = build(c);
      const act = c.blockGelu === 'tanh' ? geluTanhF : geluErfF;
      const p = paramsF(blk);
      const ref = gatedBlockF(
        p,
        (x) => bissmF(p, 'routing.', x, B, L, H, act),
        h,
        B,
        L,
        H,
        I,
        act,
        c.preNorm,
        1e-12,
      );
      const x = tf.tensor3d(Float32Array.from(h), [B, L, H]);
      const y = blk.forward(x, null, ForwardContext.eval()); // [B, L, H]
      expect(y.shape).toEqual([B, L, H]);
      const got = f64(y);
      expect(relErr(got, ref)).toBeLessThan(1e-5);
      // the mixing term itself (out − h) must be O(1) and match too, not just hide under the residual
      if (c.preNorm) {
        const fGot = got.map((v, i) => v - h[i]!);
        const fRef = ref.map((v, i) => v - h[i]!);
        expect(Math.max(...fRef.map(Math.abs))).toBeGreaterThan(0.1);
        expect(relErr(fGot, fRef)).toBeLessThan(1e-5);
      }
      tf.dispose([x, y]);
      blk.dispose();
    });
  }

  it('erf and tanh GELU options give different outputs (both match their reference above)', () => {
    const a = build({ blockGelu: 'tanh', preNorm: true });
    const b = build({ blockGelu: 'erf', preNorm: true });
    const x = tf.tensor3d(Float32Array.from(h), [B, L, H]);
    const ya = f64(a.forward(x, null, ForwardContext.eval()));
    const yb = f64(b.forward(x, null, ForwardContext.eval()));
    expect(relErr(ya, yb)).toBeGreaterThan(1e-5);
    a.dispose();
    b.dispose();
    x.dispose();
  });

  it('GATED/attention matches the float64 reference (pre-norm, with a padding mask)', () => {
    const blk = build({ blockGelu: 'tanh', preNorm: true, routing: 'attention' });
    const mask = Float64Array.from([1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    const p = paramsF(blk);
    const ref = gatedBlockF(
      p,
      (x) => attentionF(p, 'routing.', x, mask, B, L, H, 2),
      h,
      B,
      L,
      H,
      I,
      geluTanhF,
      true,
      1e-12,
    );
    const x = tf.tensor3d(Float32Array.from(h), [B, L, H]);
    const m = tf.tensor2d(Float32Array.from(mask), [B, L]);
    const y = blk.forward(x, m, ForwardContext.eval());
    expect(relErr(f64(y), ref)).toBeLessThan(1e-5);
    tf.dispose([x, m, y]);
    blk.dispose();
  });

  it('clips Re(A) at −1e-4 (docs/guide/architecture.md#kernel-discretisation) exactly like the reference when A_re is trained above it', () => {
    const blk = build({ blockGelu: 'tanh', preNorm: true });
    const fs4 = blk.parameterMap().get('routing.fs4.A_re')!.variable;
    fs4.assign(tf.tensor1d([0.3, -0.5, 1e-5, -2]));
    const p = paramsF(blk);
    const ref = gatedBlockF(
      p,
      (x) => bissmF(p, 'routing.', x, B, L, H, geluTanhF),
      h,
      B,
      L,
      H,
      I,
      geluTanhF,
      true,
      1e-12,
    );
    const x = tf.tensor3d(Float32Array.from(h), [B, L, H]);
    expect(relErr(f64(blk.forward(x, null, ForwardContext.eval())), ref)).toBeLessThan(1e-5);
    x.dispose();
    blk.dispose();
  });

  it('has no dropout inside (training output == eval output) and no final LayerNorm (docs/guide/architecture.md#bigs-block)', () => {
    const blk = build({ blockGelu: 'tanh', preNorm: true });
    const x = tf.tensor3d(Float32Array.from(h), [B, L, H]);
    const e = f64(blk.forward(x, null, ForwardContext.eval()));
    const t = f64(blk.forward(x, null, ForwardContext.train(123)));
    expect(relErr(t, e)).toBe(0);
    // pre-norm output = h + F(LN h): not normalised (row means are not ~0)
    const rowMean = e.slice(0, H).reduce((a, b) => a + b, 0) / H;
    expect(Math.abs(rowMean)).toBeGreaterThan(1e-3);
    x.dispose();
    blk.dispose();
  });

  it('weight decay metadata (docs/guide/architecture.md#ssm-parameters): kernels and all SSM params decayed; biases and LayerNorm not', () => {
    const blk = new GatedBlock({
      routing: 'bissm',
      hiddenSize: H,
      intermediateSize: I,
      routingOptions: { numSsm: N },
    });
    for (const [name, p] of blk.namedParameters()) {
      const expected = !(name.endsWith('.bias') || name.startsWith('LayerNorm.'));
      expect(p.meta.weightDecay, name).toBe(expected);
      if (/\.(fs4|bs4)\./.test(name)) expect(p.meta.group, name).toBe('ssm');
      if (name.startsWith('LayerNorm.')) expect(p.meta.group, name).toBe('norm');
    }
    blk.dispose();
  });

  it('has the documented parameter names (stable: the checkpoint map is written against them)', () => {
    const blk = new GatedBlock({
      routing: 'bissm',
      hiddenSize: H,
      intermediateSize: I,
      routingOptions: { numSsm: N },
    });
    const shapes = Object.fromEntries(blk.namedParameters().map(([n, p]) => [n, p.variable.shape]));
    const ssm = (d: string) => ({
      [`routing.${d}.A_re`]: [N],
      [`routing.${d}.A_im`]: [N],
      [`routing.${d}.C`]: [N, 2],
      [`routing.${d}.D`]: [1],
      [`routing.${d}.log_step`]: [1],
    });
    const dense = (n: string, i: number, o: number) => ({ [`${n}.kernel`]: [i, o], [`${n}.bias`]: [o] });
    expect(shapes).toEqual({
      'LayerNorm.weight': [H],
      'LayerNorm.bias': [H],
      ...dense('dv', H, I),
      ...dense('dol', H, I),
      ...dense('do', I, H),
      ...dense('routing.du_forward', H, H),
      ...dense('routing.du_backward', H, H),
      ...dense('routing.duc_forward', H, H),
      ...dense('routing.duc_backward', H, H),
      ...ssm('fs4'),
      ...ssm('bs4'),
    });
    expect(blk.namedParameters().map(([n]) => n)).toEqual([
      'LayerNorm.weight',
      'LayerNorm.bias',
      'dv.kernel',
      'dv.bias',
      'dol.kernel',
      'dol.bias',
      'do.kernel',
      'do.bias',
      'routing.du_forward.kernel',
      'routing.du_forward.bias',
      'routing.du_backward.kernel',
      'routing.du_backward.bias',
      'routing.duc_forward.kernel',
      'routing.duc_forward.bias',
      'routing.duc_backward.kernel',
      'routing.duc_backward.bias',
      'routing.fs4.A_re',
      'routing.fs4.A_im',
      'routing.fs4.C',
      'routing.fs4.D',
      'routing.fs4.log_step',
      'routing.bs4.A_re',
      'routing.bs4.A_im',
      'routing.bs4.C',
      'routing.bs4.D',
      'routing.bs4.log_step',
    ]);
    blk.dispose();
  });
});
