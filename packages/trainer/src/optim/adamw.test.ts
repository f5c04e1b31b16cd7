import { Module, type ParamMeta } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, PRETRAIN_ADAMW } from './adamw.js';

class Params extends Module {
  constructor(specs: Array<[string, number[], ParamMeta]>) {
    super();
    for (const [name, values, meta] of specs) {
      this.addParam(name, { values: Float32Array.from(values), shape: [values.length] }, meta);
    }
  }
}

/** Float64 AdamW (optax adamw) on plain arrays. */
function referenceAdamW(
  p0: number[],
  grads: number[][],
  lrs: number[],
  o: { b1: number; b2: number; eps: number; wd: number; scale: number },
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      m[i] = o.b1 * m[i]! + (1 - o.b1) * g[i]!;
      v[i] = o.b2 * v[i]! + (1 - o.b2) * g[i]! * g[i]!;
      const mh = m[i]! / (1 - o.b1 ** t);
      const vh = v[i]! / (1 - o.b2 ** t);
      p[i] = p[i]! - lrs[k]! * o.scale * (mh / (Math.sqrt(vh) + o.eps) + o.wd * p[i]!);
    }
  });
  return p;
}

describe('AdamW', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches a float64 reference over several steps (bias correction, weight decay, lr scale)', () => {
    const p0 = [0.5, -1.25, 2, 0.001];
    const grads = [
      [0.1, -0.2, 0.3, 1e-4],
      [-0.5, 0.25, 0.05, 2],
      [0.01, 0.02, -0.7, -0.3],
      [1.5, -1e-3, 0.2, 0.9],
    ];
    const lrs = [1e-2, 5e-3, 2e-2, 1e-3];
    const model = new Params([['w', p0, { weightDecay: true, lrScale: 0.5 }]]);
    const opt = new AdamW(model, { ...PRETRAIN_ADAMW, weightDecay: 0.3 });
    grads.forEach((g, k) => {
      const gt = tf.tensor1d(g);
      opt.applyGradients({ w: gt }, lrs[k]!);
      gt.dispose();
    });
    const got = Array.from(model.variables()[0]!.dataSync());
    const want = referenceAdamW(p0, grads, lrs, { b1: 0.9, b2: 0.98, eps: 1e-6, wd: 0.3, scale: 0.5 });
    for (let i = 0; i < got.length; i++) {
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i]!)));
    }
    expect(opt.step).toBe(4);
    opt.dispose();
    model.dispose();
  });

  it('decays only parameters whose meta says so (biases / LayerNorm scales excluded by the models)', () => {
    const model = new Params([
      ['w', [1, 2], { weightDecay: true }],
      ['bias', [1, 2], { weightDecay: false }],
    ]);
    const opt = new AdamW(model, { weightDecay: 0.1 });
    const zeros = { w: tf.zeros([2]), bias: tf.zeros([2]) };
    opt.applyGradients(zeros, 0.5); // zero gradient: the only change is p ← p − lr·wd·p
    const m = model.parameterMap();
    expect(Array.from(m.get('w')!.variable.dataSync())).toEqual([Math.fround(0.95), Math.fround(1.9)]);
    expect(Array.from(m.get('bias')!.variable.dataSync())).toEqual([1, 2]);
    expect(opt.paramSettings().map((s) => s.weightDecay)).toEqual([0.1, 0]);
    tf.dispose(Object.values(zeros));
    opt.dispose();
    model.dispose();
  });

  it('applies group learning-rate scales (meta, then config override by group) and freezes groups', () => {
    const model = new Params([
      ['a', [0], { weightDecay: false }],
      ['b', [0], { weightDecay: false, lrScale: 0.5 }],
      ['A_re', [0], { weightDecay: true, group: 'ssm' }],
      ['c', [0], { weightDecay: false, group: 'head' }],
    ]);
    const opt = new AdamW(model, { weightDecay: 0.05, groups: { head: { lrScale: 3 } }, freeze: ['ssm'] });
    expect(opt.trainableNames()).toEqual(['a', 'b', 'c']);
    const g = { a: tf.ones([1]), b: tf.ones([1]), c: tf.ones([1]) };
    opt.applyGradients(g, 0.1); // first step: m̂/(√v̂+ε) = 1/(1+1e-6) ≈ 1 → Δp = −lr·scale
    const v = (n: string) => model.parameterMap().get(n)!.variable.dataSync()[0]!;
    expect(v('a')).toBeCloseTo(-0.1, 6);
    expect(v('b')).toBeCloseTo(-0.05, 6);
    expect(v('c')).toBeCloseTo(-0.3, 6);
    expect(v('A_re')).toBe(0);
    expect(() => opt.applyGradients({ ...g, A_re: g.a }, 0.1)).toThrow(/'A_re' is frozen/);
    expect(() => opt.applyGradients({ a: g.a, b: g.b }, 0.1)).toThrow(
      /missing gradient for trainable parameter 'c'/,
    );
    expect(() => new AdamW(model, { freeze: ['nope'] })).toThrow(/group 'nope' is configured/);
    tf.dispose(Object.values(g));
    opt.dispose();
    model.dispose();
  });

  it('round-trips its state (moments and step) and validates names and shapes', async () => {
    const mk = () => new Params([['w', [1, 2, 3], { weightDecay: true }]]);
    const m1 = mk();
    const o1 = new AdamW(m1, { weightDecay: 0.01 });
    const g = { w: tf.tensor1d([0.3, -0.1, 0.2]) };
    o1.applyGradients(g, 0.01);
    o1.applyGradients(g, 0.01);
    const state = await o1.getState();
    expect(Object.keys(state.tensors).sort()).toEqual(['w.exp_avg', 'w.exp_avg_sq']);
    const m2 = mk();
    m2.variables()[0]!.assign(m1.variables()[0]!);
    const o2 = new AdamW(m2, { weightDecay: 0.01 });
    o2.setState(state);
    o1.applyGradients(g, 0.01);
    o2.applyGradients(g, 0.01);
    expect(Array.from(m2.variables()[0]!.dataSync())).toEqual(Array.from(m1.variables()[0]!.dataSync()));
    expect(() => o2.setState({ step: 1, tensors: {} })).toThrow(/missing 'w.exp_avg'/);
    const bad = { ...state.tensors, 'w.exp_avg': { shape: [2], data: new Float32Array(2) } };
    expect(() => o2.setState({ step: 1, tensors: bad })).toThrow(/has shape \[2\], expected \[3\]/);
    g.w.dispose();
    for (const x of [o1, o2, m1, m2]) x.dispose();
  });

  it('does not leak tensors per update', () => {
    const model = new Params([['w', [1, 2, 3], { weightDecay: true }]]);
    const opt = new AdamW(model, { weightDecay: 0.01 });
    const g = { w: tf.tensor1d([0.3, -0.1, 0.2]) };
    opt.applyGradients(g, 0.01);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) opt.applyGradients(g, 0.01);
    expect(tf.memory().numTensors).toBe(before);
    g.w.dispose();
    opt.dispose();
    model.dispose();
  });
});
