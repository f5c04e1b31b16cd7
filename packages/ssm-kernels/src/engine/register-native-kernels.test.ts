import '@bigs/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fftConv } from '../conv/fft-op.js';
import { longConv } from '../conv/long-conv.js';
import { randomValues, relMaxErr } from '../conv/test-utils.js';
import { toeplitzBuild, toeplitzDiagSum } from '../conv/toeplitz-ops.js';
import { vandermonde, vandermondeLog } from '../kernel/vandermonde-op.js';
import {
  NATIVE_SSM_KERNELS,
  nativeSsmKernelsActive,
  registerNativeSsmKernels,
} from './register-native-kernels.js';

/** The C++ kernels on `native` against the JS kernels (the reference) on `cpu`. float32 FFTs: observed ≤ 4e-7. */
const TOL = 1e-5;
const active = registerNativeSsmKernels();

let previous = '';
beforeAll(() => {
  previous = tf.getBackend();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

/** Runs `fn` on a backend and returns its outputs as float arrays. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(fn).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
}

/** y and the gradients of Σ y·r with respect to u and k, through the registered FFT kernel. */
function fftConvAndGrads(
  B: number,
  L: number,
  H: number,
  shared: boolean,
  anti: boolean,
  nanAt?: number,
): () => tf.Tensor[] {
  const uv = Float32Array.from(randomValues(B * L * H, 3 + L));
  if (nanAt !== undefined) uv[nanAt] = Number.NaN;
  const kv = Float32Array.from(randomValues(shared ? L : H * L, 4 + H));
  const rv = Float32Array.from(randomValues(B * L * H, 5));
  return () => {
    const u = tf.tensor3d(uv, [B, L, H]);
    const k = shared ? tf.tensor1d(kv) : tf.tensor2d(kv, [H, L]);
    const r = tf.tensor3d(rv, [B, L, H]);
    const y = fftConv(u, k, anti);
    const [du, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(fftConv(a as tf.Tensor3D, b, anti), r)),
    )([u, k]) as [tf.Tensor, tf.Tensor];
    return [y, du, dk];
  };
}

describe.skipIf(!active)('C++ ssm kernels on native', () => {
  it('registers the C++ kernels for native', () => {
    expect(nativeSsmKernelsActive()).toBe(true);
    for (const name of NATIVE_SSM_KERNELS) expect(tf.getKernel(name, 'native'), name).toBeDefined();
  });

  const fftCases: [number, number, number][] = [
    [1, 1, 1],
    [2, 1, 3],
    [2, 7, 5],
    [2, 33, 11],
    [3, 64, 16],
    [2, 256, 9],
    [1, 4096, 10],
  ];
  for (const [B, L, H] of fftCases) {
    for (const shared of [true, false]) {
      for (const anti of [false, true]) {
        it(`BigsLongConvFft fwd + grad, B=${B} L=${L} H=${H} ${shared ? 'shared' : 'per-channel'} ${anti ? 'anticausal' : 'causal'}`, async () => {
          const f = fftConvAndGrads(B, L, H, shared, anti);
          const want = await on('cpu', f);
          const got = await on('native', f);
          for (let i = 0; i < 3; i++)
            expect(relMaxErr(got[i]!, want[i]!), ['y', 'du', 'dk'][i]).toBeLessThan(TOL);
        });
      }
    }
  }

  it('BigsLongConvFft propagates NaN like the JS kernel (only into affected outputs)', async () => {
    const [B, L, H] = [2, 16, 6];
    for (const shared of [true, false]) {
      for (const anti of [false, true]) {
        const nanAt = (1 * L + 5) * H + 2; // b = 1, t = 5, h = 2
        const f = fftConvAndGrads(B, L, H, shared, anti, nanAt);
        const want = await on('cpu', f);
        const got = await on('native', f);
        for (let i = 0; i < 3; i++) {
          const g = got[i]!;
          const w = want[i]!;
          // du = conv(dy, k) does not read u: it stays finite; y and dk see the NaN.
          expect(g.some(Number.isNaN), `output ${i} has NaN`).toBe(i !== 1);
          for (let j = 0; j < g.length; j++) {
            // The JS kernel packs channel pairs into one complex transform, so its NaN reach is a superset.
            if (Number.isNaN(g[j]!)) expect(Number.isNaN(w[j]!), `output ${i}[${j}]`).toBe(true);
            else if (!Number.isNaN(w[j]!)) expect(Math.abs(g[j]! - w[j]!)).toBeLessThan(1e-4);
          }
        }
        // y of the NaN channel (b = 1, h = 2) is NaN on the causal side of t = 5.
        const t = anti ? 0 : L - 1;
        expect(Number.isNaN(got[0]![(1 * L + t) * H + 2]!)).toBe(true);
        // y of other batch rows stays finite.
        expect(got[0]!.slice(0, L * H).every(Number.isFinite)).toBe(true);
      }
    }
  });

  for (const upper of [false, true]) {
    for (const [G, L] of [
      [1, 1],
      [1, 7],
      [3, 5],
      [2, 64],
      [1, 300],
    ] as [number, number][]) {
      it(`BigsToeplitzBuild / DiagSum, G=${G} L=${L} ${upper ? 'upper' : 'lower'}`, async () => {
        const kv = Float32Array.from(randomValues(G * L, 7));
        const tv = Float32Array.from(randomValues(G * L * L, 8));
        const f = () => [
          toeplitzBuild(tf.tensor2d(kv, [G, L]), upper),
          toeplitzDiagSum(tf.tensor3d(tv, [G, L, L]), upper),
        ];
        const want = await on('cpu', f);
        const got = await on('native', f);
        expect(got[0]).toEqual(want[0]);
        expect(relMaxErr(got[1]!, want[1]!)).toBeLessThan(1e-6);
      });
    }
  }

  it('longConv toeplitz strategy (native Toeplitz kernels) matches cpu, values and gradients', async () => {
    for (const shared of [true, false]) {
      for (const direction of ['causal', 'anticausal'] as const) {
        const [B, L, H] = [2, 24, 5];
        const uv = Float32Array.from(randomValues(B * L * H, 1));
        const kv = Float32Array.from(randomValues(shared ? L : H * L, 2));
        const f = () => {
          const u = tf.tensor3d(uv, [B, L, H]);
          const k = shared ? tf.tensor1d(kv) : tf.tensor2d(kv, [H, L]);
          const d = tf.tensor1d([0.5]);
          const loss = (a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.square(longConv(a, b, d, { direction, strategy: 'toeplitz' })));
          return [longConv(u, k, d, { direction, strategy: 'toeplitz' }), ...tf.grads(loss)([u, k])];
        };
        const want = await on('cpu', f);
        const got = await on('native', f);
        for (let i = 0; i < 3; i++)
          expect(relMaxErr(got[i]!, want[i]!), `${i} ${direction}`).toBeLessThan(TOL);
      }
    }
  });

  for (const logZ of [false, true]) {
    for (const [shape, L] of [
      [[6], 1],
      [[5], 19],
      [[2, 5], 19],
      [[3, 9], 64],
      [[4], 4096],
    ] as [number[], number][]) {
      it(`BigsVandermonde fwd + grad, shape [${shape}] L=${L} ${logZ ? 'log z' : 'z'}`, async () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const w = randomValues(4 * n, 11);
        const cRe = Float32Array.from(w.slice(0, n));
        const cIm = Float32Array.from(w.slice(n, 2 * n));
        // |z| < 1 (or Re ζ < 0) so z^l stays bounded at L = 4096
        const zRe = Float32Array.from(w.slice(2 * n, 3 * n), (v) =>
          logZ ? -0.01 - 0.05 * Math.abs(v) : 0.9 * v,
        );
        const zIm = Float32Array.from(w.slice(3 * n), (v) => (logZ ? 2 * v : 0.4 * v));
        const dyv = Float32Array.from(randomValues((shape.length === 1 ? 1 : shape[0]!) * L, 12));
        const f = () => {
          const ts = [cRe, cIm, zRe, zIm].map((v) => tf.tensor(v, shape));
          const dy = tf.tensor(dyv, shape.length === 1 ? [L] : [shape[0]!, L]);
          const op = logZ ? vandermondeLog : vandermonde;
          const run = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
            op(a, b, c, d, L, { impl: 'custom' });
          const k = run(ts[0]!, ts[1]!, ts[2]!, ts[3]!);
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
            tf.sum(tf.mul(run(a, b, c, d), dy)),
          )(ts);
          return [k, ...g];
        };
        const want = await on('cpu', f);
        const got = await on('native', f);
        for (let i = 0; i < 5; i++) expect(relMaxErr(got[i]!, want[i]!), `output ${i}`).toBeLessThan(1e-6);
      });
    }
  }
});
