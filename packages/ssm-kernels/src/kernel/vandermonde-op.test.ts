import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, finiteDiff, lossF64, maxRelErr, useBackend, weights } from './test-helpers.js';
import { vandermondeBackwardHost, vandermondeForwardHost } from './vandermonde-math.js';
import { vandermonde, vandermondeHasCustomKernel, vandermondeLog } from './vandermonde-op.js';

const H = 2;
const M = 5;
const L = 19;

/** c and z (|z| < 1) for a [H, M] batch, float32-exact values in float64 arrays. */
function inputs(): { cRe: Float64Array; cIm: Float64Array; zRe: Float64Array; zIm: Float64Array } {
  const w = weights(4 * H * M, 21).map((v) => Math.fround(v));
  const cRe = w.slice(0, H * M);
  const cIm = w.slice(H * M, 2 * H * M);
  const zRe = w.slice(2 * H * M, 3 * H * M).map((v) => Math.fround(0.9 * v));
  const zIm = w.slice(3 * H * M).map((v) => Math.fround(0.4 * v));
  return { cRe, cIm, zRe, zIm };
}

describe('vandermonde host math', () => {
  it('forward equals the direct complex power sum', () => {
    const { cRe, cIm, zRe, zIm } = inputs();
    const k = vandermondeForwardHost(cRe, cIm, zRe, zIm, H, M, L); // [H, L]
    for (let h = 0; h < H; h++) {
      for (let l = 0; l < L; l++) {
        let s = 0;
        for (let m = 0; m < M; m++) {
          const i = h * M + m;
          const r = Math.hypot(zRe[i]!, zIm[i]!) ** l;
          const a = l * Math.atan2(zIm[i]!, zRe[i]!);
          s += r * (cRe[i]! * Math.cos(a) - cIm[i]! * Math.sin(a));
        }
        expect(k[h * L + l]).toBeCloseTo(s, 12);
      }
    }
  });

  it('backward equals float64 central differences (z form and log form)', () => {
    const x = inputs();
    const dy = weights(H * L, 5);
    for (const logZ of [false, true]) {
      const f = () =>
        vandermondeForwardHost(x.cRe, x.cIm, x.zRe, x.zIm, H, M, L, logZ).reduce(
          (s, v, i) => s + v * dy[i]!,
          0,
        );
      const g = vandermondeBackwardHost(dy, x.cRe, x.cIm, x.zRe, x.zIm, H, M, L, logZ);
      for (const name of ['cRe', 'cIm', 'zRe', 'zIm'] as const) {
        expect(maxRelErr(g[name], finiteDiff(x[name], f, 1e-6)), `${name} logZ=${logZ}`).toBeLessThan(1e-7);
      }
    }
  });
});

describe.each(BACKENDS)('vandermonde op on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('has the custom kernel registered and matches the host math, rank 1 and rank 2', () => {
    expect(vandermondeHasCustomKernel()).toBe(true);
    const { cRe, cIm, zRe, zIm } = inputs();
    const t = (a: Float64Array, shape: number[]) => tf.tensor(Float32Array.from(a), shape);
    const ins = [t(cRe, [H, M]), t(cIm, [H, M]), t(zRe, [H, M]), t(zIm, [H, M])] as const;
    const k = vandermonde(...ins, L); // [H, L]
    expect(k.shape).toEqual([H, L]);
    expect(maxRelErr(k.dataSync(), vandermondeForwardHost(cRe, cIm, zRe, zIm, H, M, L))).toBeLessThan(1e-6);
    const row = ins.map((x) => x.slice([1, 0], [1, M]).reshape([M]));
    const k1 = vandermonde(row[0]!, row[1]!, row[2]!, row[3]!, L); // [L]
    expect(k1.shape).toEqual([L]);
    expect(maxRelErr(k1.dataSync(), k.dataSync().slice(L))).toBeLessThan(1e-7);
    tf.dispose([k, k1, ...ins, ...row]);
  });

  it('custom and fallback agree in value and gradient (z form and log form)', () => {
    const x = inputs();
    const r = tf.tensor2d(Float32Array.from(weights(H * L, 8)), [H, L]);
    const xs = (['cRe', 'cIm', 'zRe', 'zIm'] as const).map((k) =>
      tf.tensor2d(Float32Array.from(x[k]), [H, M]),
    );
    for (const fn of [vandermonde, vandermondeLog]) {
      const run = (impl: 'custom' | 'fallback') => {
        const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          tf.sum(tf.mul(r, tf.tanh(fn(a, b, c, d, L, { impl })))); // []
        const value = fn(xs[0]!, xs[1]!, xs[2]!, xs[3]!, L, { impl }); // [H, L]
        return { value, grads: tf.grads(loss)(xs) };
      };
      const a = run('custom');
      const b = run('fallback');
      expect(maxRelErr(a.value.dataSync(), b.value.dataSync())).toBeLessThan(2e-6);
      a.grads.forEach((g, i) => {
        expect(maxRelErr(g.dataSync(), b.grads[i]!.dataSync())).toBeLessThan(2e-5);
      });
      tf.dispose([a.value, b.value, ...a.grads, ...b.grads]);
    }
    // and the custom gradient against float64 FD of the loss
    const rr = weights(H * L, 8).map((v) => Math.fround(v));
    const f = () => lossF64(vandermondeForwardHost(x.cRe, x.cIm, x.zRe, x.zIm, H, M, L), rr);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(r, tf.tanh(vandermonde(a, b, c, d, L)))),
    )(xs);
    (['cRe', 'cIm', 'zRe', 'zIm'] as const).forEach((name, i) => {
      expect(maxRelErr(g[i]!.dataSync(), finiteDiff(x[name], f, 1e-6)), name).toBeLessThan(1e-5);
    });
    tf.dispose([r, ...xs, ...g]);
  });

  it('L = 1 gives Re(c) and no tensors leak', () => {
    const c = tf.tensor1d([0.5, -0.25]);
    const z = tf.tensor1d([0.3, 0.2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const k = vandermonde(c, z, z, c, 1); // [1]
        expect(Array.from(k.dataSync())).toEqual([0.25]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(vandermonde(a, b, z, c, 4))))([c, z]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([c, z]);
  });

  it('gives clear errors', () => {
    const a = tf.zeros([3]);
    const b = tf.zeros([4]);
    const i = tf.zeros([3], 'int32');
    expect(() => vandermonde(a, a, a, b, 4)).toThrow(
      /vandermonde: zIm must have the shape of cRe \[3\], got \[4\]/,
    );
    expect(() => vandermonde(a, a, a, a, 0)).toThrow(/vandermonde: length must be an integer >= 1, got 0/);
    expect(() => vandermondeLog(a, i, a, a, 2)).toThrow(/vandermondeLog: cIm must be float32, got int32/);
    expect(() => vandermonde(a, a, a, a, 2, { impl: 'x' as never })).toThrow(/options.impl must be/);
    tf.dispose([a, b, i]);
  });
});

describe('vandermonde op fallback selection', () => {
  it('reports no custom kernel for other backends', () => {
    expect(vandermondeHasCustomKernel('webgl')).toBe(false);
    expect(vandermondeHasCustomKernel('tensorflow')).toBe(false);
  });
});
