import '@bigs/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adamwUpdate,
  fusedGelu,
  fusedLayerNorm,
  geluErfComposite,
  geluTanhComposite,
  hasFusedKernel,
  layerNormComposite,
  sumSquares,
} from './fused-ops.js';

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    if (Number.isNaN(w)) {
      expect(Number.isNaN(got[i] as number)).toBe(true);
      continue;
    }
    worst = Math.max(worst, Math.abs((got[i] as number) - w) / Math.max(1, Math.abs(w)));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Kernel names run by f (tf.profile). */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => f() as tf.Tensor);
  return info.kernelNames;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
let previous = 'cpu';
beforeAll(() => {
  previous = tf.getBackend() ?? 'cpu';
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('fused ops on cpu take the composite path', () => {
  it('gelu, layerNorm and sumSquares are the composite, bit for bit, with no Bigs kernel', async () => {
    await tf.setBackend('cpu');
    expect(hasFusedKernel('BigsGelu')).toBe(false);
    const x = tf.tensor(rand(3 * 40, 1, 3), [3, 40]);
    const g = tf.tensor(rand(40, 2));
    const b = tf.tensor(rand(40, 3));
    for (const kind of ['tanh', 'erf'] as const) {
      const comp = kind === 'tanh' ? geluTanhComposite(x) : geluErfComposite(x);
      expect(Array.from(fusedGelu(x, kind).dataSync())).toEqual(Array.from(comp.dataSync()));
      const names = await kernelsOf(() => fusedGelu(x, kind));
      expect(names.some((n) => n.startsWith('Bigs'))).toBe(false);
    }
    expect(Array.from(fusedLayerNorm(x, g, b, 1e-12).dataSync())).toEqual(
      Array.from(layerNormComposite(x, g, b, 1e-12).dataSync()),
    );
    expect(await kernelsOf(() => fusedLayerNorm(x, g, b, 1e-12))).not.toContain('BigsLayerNorm');
    expect(sumSquares(x).dataSync()[0]).toBe(tf.sum(tf.square(x)).dataSync()[0]);
  });
});

describe('fused ops on native use the kernels and match the composite', () => {
  const shapes = [[5], [2, 3, 17], [64, 520], [0, 8]];
  for (const kind of ['tanh', 'erf'] as const) {
    it(`fusedGelu(${kind}): values and tf.grad vs cpu composite`, async () => {
      for (const shape of shapes) {
        const x = rand(size(shape), 5 + shape.length, 4);
        const w = rand(size(shape), 9);
        const comp = kind === 'tanh' ? geluTanhComposite : geluErfComposite;
        await tf.setBackend('cpu');
        const wc = tf.tensor(w, shape);
        const wantY = comp(tf.tensor(x, shape)).dataSync().slice();
        const wantG = tf
          .grad((t: tf.Tensor) => tf.sum(tf.mul(comp(t), wc)))(tf.tensor(x, shape))
          .dataSync()
          .slice();
        await tf.setBackend('native');
        expect(hasFusedKernel('BigsGelu')).toBe(true);
        const xn = tf.tensor(x, shape);
        const wn = tf.tensor(w, shape);
        const y = fusedGelu(xn, kind);
        const gr = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fusedGelu(t, kind), wn)))(xn);
        expect(y.shape).toEqual(shape);
        expectClose(y.dataSync(), wantY, 2e-6);
        expectClose(gr.dataSync(), wantG, 2e-6);
        if (size(shape) > 0) {
          const names = await kernelsOf(() => tf.grad((t: tf.Tensor) => tf.sum(fusedGelu(t, kind)))(xn));
          expect(names).toContain('BigsGelu');
          expect(names).toContain('BigsGeluGrad');
        }
        tf.dispose([xn, wn, y, gr]);
      }
    });
  }

  it('fusedGelu: NaN and ±Inf', async () => {
    await tf.setBackend('native');
    const y = fusedGelu(
      tf.tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]),
      'tanh',
    );
    const v = Array.from(y.dataSync(), (a) => a + 0);
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, 0]);
    expect(v[3]).toBeCloseTo(0.8412, 4);
  });

  it('fusedLayerNorm: values and tf.variableGrads (x, gamma, beta) vs cpu composite', async () => {
    for (const shape of [
      [1, 4],
      [3, 7, 33],
      [128, 256],
      [0, 6],
    ]) {
      const c = shape.at(-1) as number;
      const x = rand(size(shape), 17 + c, 3).map((v) => v + 2);
      const gamma = rand(c, 3, 2);
      const beta = rand(c, 4);
      const w = rand(size(shape), 5);
      const run = async (backend: string, ln: typeof fusedLayerNorm) => {
        await tf.setBackend(backend);
        const xv = tf.variable(tf.tensor(x, shape), true, `x_${backend}_${c}_${shape.length}`);
        const gv = tf.variable(tf.tensor(gamma), true, `g_${backend}_${c}_${shape.length}`);
        const bv = tf.variable(tf.tensor(beta), true, `b_${backend}_${c}_${shape.length}`);
        const wt = tf.tensor(w, shape);
        const y = ln(xv, gv, bv, 1e-12).dataSync().slice();
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.mul(ln(xv, gv, bv, 1e-12), wt)) as tf.Scalar,
          [xv, gv, bv],
        );
        const out = { y, g: [xv, gv, bv].map((v) => grads[v.name]!.dataSync().slice()) };
        tf.dispose([xv, gv, bv, wt, ...Object.values(grads)]);
        return out;
      };
      const want = await run('cpu', layerNormComposite);
      const got = await run('native', fusedLayerNorm);
      expectClose(got.y, want.y, 1e-5);
      got.g.forEach((g, i) => {
        expectClose(g, want.g[i]!, 1e-4);
      });
    }
    const xn = tf.tensor(rand(12, 1), [3, 4]);
    expect(await kernelsOf(() => fusedLayerNorm(xn, tf.ones([4]), tf.zeros([4]), 1e-5))).toEqual([
      'BigsLayerNorm',
    ]);
  });

  it('sumSquares: native ≈ cpu on sizes across the parallel threshold', async () => {
    for (const n of [0, 1, 7, 70_000, 300_001]) {
      const x = rand(n, n + 3, 2);
      await tf.setBackend('cpu');
      const want = sumSquares(tf.tensor(x, [n])).dataSync()[0]!;
      await tf.setBackend('native');
      const got = sumSquares(tf.tensor(x, [n]));
      expect(got.shape).toEqual([]);
      expect(Math.abs(got.dataSync()[0]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, want));
    }
    expect(await kernelsOf(() => sumSquares(tf.ones([10])))).toEqual(['BigsSumSquares']);
  });
});

describe('adamwUpdate', () => {
  const opts = { lr: 3e-3, beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 0.05 };
  async function steps(backend: string, n: number, gradScale: number): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const p = tf.variable(tf.tensor(rand(n, 1), [n]));
    const m = tf.variable(tf.zeros([n]));
    const v = tf.variable(tf.zeros([n]));
    for (let step = 1; step <= 4; step++) {
      const g = tf.tensor(rand(n, 10 + step, 0.3), [n]);
      adamwUpdate(p, g, m, v, { ...opts, step, gradScale });
      g.dispose();
    }
    const out = [p, m, v].map((t) => (t.dataSync() as Float32Array).slice());
    tf.dispose([p, m, v]);
    return out;
  }

  it('native fused matches the composite over several steps (≤ 1e-6 relative), with and without gradScale', async () => {
    for (const [n, scale] of [
      [1, 1],
      [33, 0.25],
      [100_003, 1],
      [100_003, 0.5],
    ] as const) {
      const want = await steps('cpu', n, scale);
      const got = await steps('native', n, scale);
      for (let k = 0; k < 3; k++) {
        const a = got[k]!;
        const b = want[k]!;
        // relative, floored at 1% of the array's largest magnitude (m = β1·m + (1−β1)·g can cancel to ~0)
        let big = 0;
        for (const x of b) big = Math.max(big, Math.abs(x));
        let worst = 0;
        for (let i = 0; i < n; i++) {
          worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 0.01 * big));
        }
        expect(worst, `n=${n} scale=${scale} array=${k}`).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('updates in place, never a buffer shared with another tensor or handed in by the caller', async () => {
    await tf.setBackend('native');
    const host = Float32Array.from([1, 2, 3, 4]);
    const p = tf.variable(tf.zeros([4]));
    const src = tf.tensor(host);
    p.assign(src); // p's data is now the caller's array
    src.dispose();
    const view = tf.reshape(p, [2, 2]); // shares p's data
    const m = tf.variable(tf.zeros([4]));
    const v = tf.variable(tf.zeros([4]));
    const g = tf.ones([4]);
    adamwUpdate(p, g, m, v, { ...opts, weightDecay: 0, step: 1 });
    expect(Array.from(host)).toEqual([1, 2, 3, 4]);
    expect(Array.from(view.dataSync())).toEqual([1, 2, 3, 4]);
    const after1 = p.dataId;
    const names = await kernelsOf(() => {
      adamwUpdate(p, g, m, v, { ...opts, weightDecay: 0, step: 2 });
      return tf.scalar(0);
    });
    expect(names).toContain('BigsAdamW');
    expect(p.dataId).toBe(after1); // second update: in place, no new tensor
    const read = p.dataSync(); // user code now holds p's array: the next update must not change it
    const snapshot = Array.from(read);
    expect(snapshot[0]).toBeLessThan(1);
    adamwUpdate(p, g, m, v, { ...opts, weightDecay: 0, step: 3 });
    expect(Array.from(read)).toEqual(snapshot);
    expect(p.dataSync()[0]).toBeLessThan(snapshot[0]!);
    expect(() => adamwUpdate(p, tf.ones([3]), m, v, { ...opts, step: 4 })).toThrow(/shape/);
    tf.dispose([p, view, m, v, g]);
  });
});
