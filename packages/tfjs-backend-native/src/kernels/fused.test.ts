import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../index.js';
import { requireAddon } from '../addon.js';
import type { FusedAddon } from './fused.js';

const addon = () => requireAddon<FusedAddon>();

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

/** erf in double: Taylor series below 2.5, continued fraction for erfc above. */
function erfcD(x: number): number {
  if (x < 0) return 2 - erfcD(-x);
  if (x < 2.5) return 1 - erfD(x);
  let k = x;
  for (let j = 80; j >= 1; j--) k = x + j / 2 / k;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * k);
}
function erfD(x: number): number {
  if (Math.abs(x) >= 2.5) return Math.sign(x) * (1 - erfcD(Math.abs(x)));
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 80; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const phiD = (x: number) => 0.5 * erfcD(-x / Math.SQRT2);
const C = Math.sqrt(2 / Math.PI);
function geluD(x: number, kind: 'tanh' | 'erf'): number {
  if (kind === 'erf') return x * phiD(x);
  const u = C * (x + 0.044715 * x ** 3);
  return x / (1 + Math.exp(-2 * u));
}
/** gelu'(x) = a + b (Φ + x·φ, or s + x·s·(1−s)·…) in double; both terms are returned. */
function geluGradTermsD(x: number, kind: 'tanh' | 'erf'): [number, number] {
  if (kind === 'erf') return [phiD(x), (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI)];
  const u = C * (x + 0.044715 * x ** 3);
  const s = 1 / (1 + Math.exp(-2 * u));
  return [s, x * s * (1 - s) * 2 * C * (1 + 3 * 0.044715 * x * x)];
}

/** Max relative error where |want| > floor, and max absolute error elsewhere. */
function worst(got: Float32Array, want: (i: number) => number, floor: number): { rel: number; abs: number } {
  let rel = 0;
  let abs = 0;
  for (let i = 0; i < got.length; i++) {
    const w = want(i);
    const g = got[i] as number;
    const d = Math.abs(g - w);
    if (Math.abs(w) > floor) rel = Math.max(rel, d / Math.abs(w));
    else abs = Math.max(abs, d);
  }
  return { rel, abs };
}

function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function run(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown> = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worstErr = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    if (Number.isNaN(w)) {
      expect(Number.isNaN(g), `index ${i}: want NaN, got ${g}`).toBe(true);
      continue;
    }
    worstErr = Math.max(worstErr, Math.abs(g - w) / Math.max(1, Math.abs(w)));
  }
  expect(worstErr).toBeLessThanOrEqual(tol);
}

let previous = 'cpu';
beforeAll(async () => {
  previous = tf.getBackend() ?? 'cpu';
  await tf.setBackend('native');
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('fused math (vectorised exp / erf / Φ)', () => {
  it('exp, erf and Φ are within 2e-6 relative of double', () => {
    const probe = (x: Float32Array, which: 0 | 1 | 2) => {
      const out = new Float32Array(x.length);
      addon().fusedMathProbe(x, out, which);
      return out;
    };
    const xe = grid(-87, 88, 200_001);
    expect(worst(probe(xe, 0), (i) => Math.exp(xe[i] as number), 0).rel).toBeLessThan(2e-6);
    const xf = grid(-7, 7, 200_001);
    const e = worst(probe(xf, 1), (i) => erfD(xf[i] as number), 1e-30);
    expect(e.rel).toBeLessThan(2e-6);
    const tiny = Float32Array.from([1e-30, -1e-20, 1e-8, -3e-5, 0]);
    expect(worst(probe(tiny, 1), (i) => erfD(tiny[i] as number), 0).rel).toBeLessThan(2e-6);
    const xp = grid(-12.5, 9, 200_001); // Φ(-12.5) ≈ 4e-36: still a normal float
    expect(worst(probe(xp, 2), (i) => phiD(xp[i] as number), 1e-37).rel).toBeLessThan(2e-6);
  });
});

describe('BigsGelu / BigsGeluGrad', () => {
  for (const kind of ['tanh', 'erf'] as const) {
    it(`${kind}: forward and gradient match double to 2e-6 (relative) over [-12, 12]`, () => {
      const x = grid(-12, 12, 100_003); // crosses the parallel threshold, with a tail
      const xt = tf.tensor(x);
      const dy = tf.onesLike(xt);
      const [y] = run('BigsGelu', { x: xt }, { kind });
      const [dx] = run('BigsGeluGrad', { dy, x: xt }, { kind });
      const yv = y!.dataSync() as Float32Array;
      const dv = dx!.dataSync() as Float32Array;
      const fw = worst(yv, (i) => geluD(x[i] as number, kind), 1e-30);
      expect(fw.rel).toBeLessThan(2e-6);
      expect(fw.abs).toBeLessThan(1e-30);
      // gelu' has a root near x = −0.75 where its two terms cancel: relative to |a| + |b| (+1e-25: below
      // ~1e-37 the float results are clamped tails).
      let bw = 0;
      for (let i = 0; i < x.length; i++) {
        const [a, b] = geluGradTermsD(x[i] as number, kind);
        bw = Math.max(bw, Math.abs((dv[i] as number) - (a + b)) / (Math.abs(a) + Math.abs(b) + 1e-25));
      }
      expect(bw).toBeLessThan(4e-6);
      tf.dispose([xt, dy, y!, dx!]);
    });

    it(`${kind}: matches the cpu composite (values and tf.grad)`, async () => {
      for (const shape of [[7], [3, 5, 33], [64, 1031]]) {
        const x = rand(
          shape.reduce((a, b) => a * b, 1),
          11 + shape.length,
          4,
        );
        const composite = (t: tf.Tensor) =>
          kind === 'tanh'
            ? tf.mul(
                tf.mul(t, 0.5),
                tf.add(tf.tanh(tf.mul(tf.add(t, tf.mul(tf.mul(tf.mul(t, t), t), 0.044715)), C)), 1),
              )
            : tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1));
        await tf.setBackend('cpu');
        const xc = tf.tensor(x, shape);
        const wantY = composite(xc).dataSync().slice();
        const wantG = tf
          .grad((t: tf.Tensor) => tf.sum(tf.mul(composite(t), t)))(xc)
          .dataSync()
          .slice();
        xc.dispose();
        await tf.setBackend('native');
        const xn = tf.tensor(x, shape);
        const [y] = run('BigsGelu', { x: xn }, { kind });
        expect(y!.shape).toEqual(shape);
        // d/dx Σ gelu(x)·x = gelu'(x)·x + gelu(x)
        const [d] = run('BigsGeluGrad', { dy: xn, x: xn }, { kind });
        const g = tf.add(d!, y!);
        // cpu's erf is the A&S 7.1.26 formula (absolute error 1.5e-7): compare at 2e-6
        expectClose(y!.dataSync(), wantY, 2e-6);
        expectClose(g.dataSync(), wantG, 2e-6);
        tf.dispose([xn, y!, d!, g]);
      }
    });

    it(`${kind}: NaN, ±Inf and 0-size inputs`, () => {
      const x = tf.tensor([
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        0,
        -0,
        1e30,
        -1e30,
      ]);
      const [y] = run('BigsGelu', { x }, { kind });
      const [d] = run('BigsGeluGrad', { dy: tf.onesLike(x), x }, { kind });
      const yv = Array.from(y!.dataSync(), (v) => v + 0); // -0 → 0
      const dv = Array.from(d!.dataSync(), (v) => v + 0);
      expect(Number.isNaN(yv[0])).toBe(true);
      expect(yv.slice(1)).toEqual([Number.POSITIVE_INFINITY, 0, 0, 0, 1e30, 0].map((v) => Math.fround(v)));
      expect(Number.isNaN(dv[0])).toBe(true);
      expect(dv.slice(1)).toEqual([1, 0, 0.5, 0.5, 1, 0]);
      const e = tf.zeros([0, 4]);
      const [ye] = run('BigsGelu', { x: e }, { kind });
      const [de] = run('BigsGeluGrad', { dy: e, x: e }, { kind });
      expect(ye!.shape).toEqual([0, 4]);
      expect(de!.shape).toEqual([0, 4]);
      tf.dispose([x, y!, d!, e, ye!, de!]);
    });
  }

  it('rejects non-float32 inputs and unknown kinds', () => {
    const xi = tf.tensor([1, 2], [2], 'int32');
    expect(() => run('BigsGelu', { x: xi }, { kind: 'tanh' })).toThrow(/float32/);
    const x = tf.tensor([1, 2]);
    expect(() => run('BigsGelu', { x }, { kind: 'relu' })).toThrow(/kind/);
    tf.dispose([xi, x]);
  });
});

/** LayerNorm over the last axis and its gradients, in double. */
function layerNormD(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  dy: Float32Array,
  cols: number,
  eps: number,
): { y: Float64Array; dx: Float64Array; dg: Float64Array; db: Float64Array } {
  const rows = x.length / cols;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dg = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < cols; j++) m += x[r * cols + j] as number;
    m /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += ((x[r * cols + j] as number) - m) ** 2;
    v /= cols;
    const rs = 1 / Math.sqrt(v + eps);
    let sg = 0;
    let sgx = 0;
    const xh = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      xh[j] = ((x[i] as number) - m) * rs;
      y[i] = (xh[j] as number) * (gamma[j] as number) + (beta[j] as number);
      const g = (dy[i] as number) * (gamma[j] as number);
      sg += g;
      sgx += g * (xh[j] as number);
      dg[j] = (dg[j] as number) + (dy[i] as number) * (xh[j] as number);
      db[j] = (db[j] as number) + (dy[i] as number);
    }
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const g = (dy[i] as number) * (gamma[j] as number);
      dx[i] = rs * (g - sg / cols - (xh[j] as number) * (sgx / cols));
    }
  }
  return { y, dx, dg, db };
}

describe('BigsLayerNorm / BigsLayerNormGrad', () => {
  const cases: Array<{ shape: number[]; eps: number }> = [
    { shape: [1, 1], eps: 1e-5 },
    { shape: [5, 3], eps: 1e-12 },
    { shape: [2, 7, 33], eps: 1e-12 },
    { shape: [300, 257], eps: 1e-5 }, // several row blocks, crosses the parallel threshold
    { shape: [9], eps: 1e-6 },
  ];
  for (const { shape, eps } of cases) {
    it(`[${shape}] eps ${eps}: values and gradients match double`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const cols = shape.at(-1) as number;
      const x = rand(n, n + 1, 3).map((v, i) => v + (i % cols) * 0.01 + 5); // offset mean: centring matters
      const gamma = rand(cols, 7, 2);
      const beta = rand(cols, 8);
      const dy = rand(n, 9);
      const ref = layerNormD(x, gamma, beta, dy, cols, eps);
      const [y] = run(
        'BigsLayerNorm',
        { x: tf.tensor(x, shape), gamma: tf.tensor(gamma), beta: tf.tensor(beta) },
        { eps },
      );
      const [dx, dg, db] = run(
        'BigsLayerNormGrad',
        { dy: tf.tensor(dy, shape), x: tf.tensor(x, shape), gamma: tf.tensor(gamma) },
        { eps },
      );
      expect(y!.shape).toEqual(shape);
      expect(dx!.shape).toEqual(shape);
      expect(dg!.shape).toEqual([cols]);
      const rows = n / cols;
      expectClose(y!.dataSync(), ref.y, 2e-6);
      expectClose(dx!.dataSync(), ref.dx, cols === 1 ? 1e-3 : 2e-5);
      expectClose(dg!.dataSync(), ref.dg, 2e-6 * Math.sqrt(rows));
      expectClose(db!.dataSync(), ref.db, 1e-6 * Math.sqrt(rows));
      tf.dispose([y!, dx!, dg!, db!]);
    });
  }

  it('matches the cpu composite and its tf.grads', async () => {
    const shape = [4, 6, 40];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = rand(n, 3, 2);
    const gamma = rand(40, 4);
    const beta = rand(40, 5);
    const w = rand(n, 6);
    const composite = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const mean = tf.mean(t, -1, true);
      const xc = tf.sub(t, mean);
      const variance = tf.mean(tf.square(xc), -1, true);
      return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-12))), g), b);
    };
    await tf.setBackend('cpu');
    const wc = tf.tensor(w, shape);
    const inputs = [tf.tensor(x, shape), tf.tensor(gamma), tf.tensor(beta)];
    const wantY = composite(inputs[0]!, inputs[1]!, inputs[2]!).dataSync().slice();
    const wantG = tf
      .grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(composite(a, b, c), wc)))(inputs)
      .map((g) => g.dataSync().slice());
    await tf.setBackend('native');
    const xn = tf.tensor(x, shape);
    const gn = tf.tensor(gamma);
    const [y] = run('BigsLayerNorm', { x: xn, gamma: gn, beta: tf.tensor(beta) }, { eps: 1e-12 });
    const got = run('BigsLayerNormGrad', { dy: tf.tensor(w, shape), x: xn, gamma: gn }, { eps: 1e-12 });
    expectClose(y!.dataSync(), wantY, 1e-5);
    got.forEach((g, i) => {
      expectClose(g.dataSync(), wantG[i]!, 1e-4);
    });
  });

  it('NaN / Inf rows stay in their row; 0-size inputs', () => {
    const x = tf.tensor([
      [1, 2, 3],
      [Number.NaN, 1, 2],
      [Number.POSITIVE_INFINITY, 0, 1],
      [4, 4, 4],
    ]);
    const [y] = run('BigsLayerNorm', { x, gamma: tf.ones([3]), beta: tf.zeros([3]) }, { eps: 1e-5 });
    const v = y!.arraySync() as number[][];
    expect(v[0]![1]).toBeCloseTo(0, 6);
    expect(v[1]!.every(Number.isNaN)).toBe(true);
    expect(v[2]!.every(Number.isNaN)).toBe(true);
    expect(v[3]).toEqual([0, 0, 0]); // zero variance: (x − μ)·rsqrt(eps) = 0
    const e = tf.zeros([0, 5]);
    const [ye] = run('BigsLayerNorm', { x: e, gamma: tf.ones([5]), beta: tf.zeros([5]) }, { eps: 1e-5 });
    const [dxe, dge, dbe] = run('BigsLayerNormGrad', { dy: e, x: e, gamma: tf.ones([5]) }, { eps: 1e-5 });
    expect(ye!.shape).toEqual([0, 5]);
    expect(dxe!.shape).toEqual([0, 5]);
    expect(Array.from(dge!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(dbe!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    expect(() =>
      run('BigsLayerNorm', { x, gamma: tf.ones([4]), beta: tf.zeros([3]) }, { eps: 1e-5 }),
    ).toThrow(/gamma/);
  });
});

describe('BigsAdamW / BigsSumSquares', () => {
  it('AdamW updates param, m and v in place like the composite formula', () => {
    const n = 70_001;
    const p0 = rand(n, 1);
    const g = rand(n, 2, 0.1);
    const p = p0.slice();
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const attrs = { lr: 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 0.05, gradScale: 0.5 };
    const pr = Float64Array.from(p0);
    const mr = new Float64Array(n);
    const vr = new Float64Array(n);
    for (let step = 1; step <= 3; step++) {
      const tensors = { param: tf.tensor(p), grad: tf.tensor(g), m: tf.tensor(m), v: tf.tensor(v) };
      const [out] = run('BigsAdamW', tensors, { ...attrs, step });
      expect(out!.shape).toEqual([]);
      p.set(tensors.param.dataSync());
      m.set(tensors.m.dataSync());
      v.set(tensors.v.dataSync());
      expect(Array.from(tensors.grad.dataSync().slice(0, 5))).toEqual(Array.from(g.slice(0, 5))); // grad untouched
      tf.dispose([...Object.values(tensors), out!]);
      const bc1 = 1 - 0.9 ** step;
      const bc2 = 1 - 0.98 ** step;
      for (let i = 0; i < n; i++) {
        const gi = (g[i] as number) * 0.5;
        mr[i] = 0.9 * (mr[i] as number) + 0.1 * gi;
        vr[i] = 0.98 * (vr[i] as number) + 0.02 * gi * gi;
        const u =
          (mr[i] as number) / bc1 / (Math.sqrt((vr[i] as number) / bc2) + 1e-6) + 0.05 * (pr[i] as number);
        pr[i] = (pr[i] as number) - 1e-2 * u;
      }
    }
    expectClose(p, pr, 1e-6);
    expectClose(m, Float64Array.from(mr), 1e-6);
    expectClose(v, Float64Array.from(vr), 1e-6);
  });

  it('SumSquares accumulates in double; NaN/Inf propagate; empty is 0', () => {
    const x = rand(1_000_003, 5, 3);
    let want = 0;
    for (const a of x) want += a * a;
    const [s] = run('BigsSumSquares', { x: tf.tensor(x, [1000003]) });
    expect(s!.shape).toEqual([]);
    expect(Math.abs((s!.dataSync()[0] as number) - want) / want).toBeLessThan(1e-7);
    const [sn] = run('BigsSumSquares', { x: tf.tensor([1, Number.NaN]) });
    expect(Number.isNaN(sn!.dataSync()[0])).toBe(true);
    const [si] = run('BigsSumSquares', { x: tf.tensor([1, Number.NEGATIVE_INFINITY]) });
    expect(si!.dataSync()[0]).toBe(Number.POSITIVE_INFINITY);
    const [se] = run('BigsSumSquares', { x: tf.zeros([0]) });
    expect(se!.dataSync()[0]).toBe(0);
  });
});
