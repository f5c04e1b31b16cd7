import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/init-engine.js';
import {
  installFastMatMulGradient,
  isFastMatMulGradientInstalled,
  uninstallFastMatMulGradient,
} from './batch-matmul-grad.js';
import { dense, denseReference } from './dense.js';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / scale);
  return worst;
}

interface Case {
  name: string;
  xShape: number[];
  inDim: number;
  outDim: number;
  bias: boolean;
}
const cases: Case[] = [
  { name: '2-D x, bias', xShape: [5, 7], inDim: 7, outDim: 4, bias: true },
  { name: '2-D x, no bias', xShape: [5, 7], inDim: 7, outDim: 4, bias: false },
  { name: '3-D x, bias', xShape: [2, 3, 6], inDim: 6, outDim: 5, bias: true },
  { name: '3-D x, no bias', xShape: [2, 3, 6], inDim: 6, outDim: 5, bias: false },
];

/** Loss L = Σ tanh(x·w + b)·R in float64 (the finite-difference oracle). */
function lossF64(
  x: number[],
  w: number[],
  b: number[] | null,
  r: number[],
  rows: number,
  inD: number,
  outD: number,
) {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < outD; j++) {
      let s = b === null ? 0 : (b[j] as number);
      for (let k = 0; k < inD; k++) s += (x[i * inD + k] as number) * (w[k * outD + j] as number);
      loss += Math.tanh(s) * (r[i * outD + j] as number);
    }
  }
  return loss;
}

function centralDiff(f: (v: number[]) => number, v: number[], eps = 1e-6): number[] {
  return v.map((_, i) => {
    const p = v.slice();
    const m = v.slice();
    p[i] = (p[i] as number) + eps;
    m[i] = (m[i] as number) - eps;
    return (f(p) - f(m)) / (2 * eps);
  });
}

describe.each(['cpu', 'wasm'] as const)('dense on %s', (backend) => {
  afterAll(() => installFastMatMulGradient());

  it.each(cases)('forward equals tf.matMul + add: $name', async ({ xShape, inDim, outDim, bias }) => {
    await initEngine({ backend, threads: 1, quiet: true });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor(
        values(
          xShape.reduce((p, d) => p * d, 1),
          1,
        ),
        xShape,
      ); // [..., in]
      const w = tf.tensor2d(values(inDim * outDim, 2), [inDim, outDim]); // [in, out]
      const b = bias ? tf.tensor1d(values(outDim, 3)) : undefined; // [out]
      const y = dense(x, w, b); // [..., out]
      const ref = b === undefined ? tf.matMul(x, w) : tf.add(tf.matMul(x, w), b);
      expect(y.shape).toEqual([...xShape.slice(0, -1), outDim]);
      expect(maxRelErr(y.dataSync(), ref.dataSync())).toBeLessThan(1e-6);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(cases)('gradients equal tfjs default and float64 finite differences: $name', async (c) => {
    await initEngine({ backend, threads: 1, quiet: true });
    const rows = c.xShape.slice(0, -1).reduce((p, d) => p * d, 1);
    const xv = values(rows * c.inDim, 11);
    const wv = values(c.inDim * c.outDim, 12);
    const bv = c.bias ? values(c.outDim, 13) : null;
    const rv = values(rows * c.outDim, 14);
    const grads = (f: (x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const r = tf.tensor(rv, [...c.xShape.slice(0, -1), c.outDim]);
        const inputs = [tf.tensor(xv, c.xShape), tf.tensor2d(wv, [c.inDim, c.outDim])];
        if (bv !== null) inputs.push(tf.tensor1d(bv));
        const loss = (...t: tf.Tensor[]) => tf.sum(tf.mul(tf.tanh(f(t[0]!, t[1]!, t[2])), r));
        return tf
          .grads(loss)(inputs)
          .map((g) => Array.from(g.dataSync()));
      });
    const before = tf.memory().numTensors;
    const ours = grads((x, w, b) => dense(x, w, b));
    expect(tf.memory().numTensors).toBe(before);
    uninstallFastMatMulGradient();
    expect(isFastMatMulGradientInstalled()).toBe(false);
    // tfjs's default gradient cannot reduce a broadcast 3-D·2-D matMul: the reference reshapes to 2-D.
    const reference = grads((x, w, b) => denseReference(x, w, b));
    installFastMatMulGradient();
    expect(ours.length).toBe(reference.length);
    ours.forEach((g, i) => {
      expect(maxRelErr(g, reference[i]!)).toBeLessThan(1e-5);
    });
    // float64 central differences of the same loss
    const L = (x: number[], w: number[], b: number[] | null) => lossF64(x, w, b, rv, rows, c.inDim, c.outDim);
    expect(
      maxRelErr(
        ours[0]!,
        centralDiff((x) => L(x, wv, bv), xv),
      ),
    ).toBeLessThan(1e-4);
    expect(
      maxRelErr(
        ours[1]!,
        centralDiff((w) => L(xv, w, bv), wv),
      ),
    ).toBeLessThan(1e-4);
    if (bv !== null)
      expect(
        maxRelErr(
          ours[2]!,
          centralDiff((b) => L(xv, wv, b), bv),
        ),
      ).toBeLessThan(1e-4);
  });

  it('rejects bad shapes with messages naming the argument', async () => {
    await initEngine({ backend, threads: 1, quiet: true });
    tf.tidy(() => {
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(
        /x's last dimension \(3\) must equal w.shape\[0\] \(4\)/,
      );
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([3]))).toThrow(/w must be 2-D/);
      expect(() => dense(tf.zeros([2, 3]), tf.zeros([3, 5]), tf.zeros([4]))).toThrow(
        /b must have shape \[5\], got \[4\]/,
      );
    });
  });
});
