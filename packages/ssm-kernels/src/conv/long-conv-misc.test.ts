import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigsKernelF64, initBiGSSSM, initS4D, s4dKernelF64, scanBiGS, scanS4D } from '../kernel/index.js';
import {
  convCrossoverKey,
  getConvCrossover,
  MEASURED_CONV_CROSSOVER,
  setConvCrossover,
} from './crossover.js';
import { fftConvPortable } from './fft-op.js';
import { longConv, resolveConvStrategy } from './long-conv.js';
import { longConvReference } from './reference.js';
import { randomValues, relMaxErr } from './test-utils.js';
import { toeplitzBuild, toeplitzBuildOps, toeplitzDiagSum, toeplitzDiagSumOps } from './toeplitz-ops.js';

let previous = '';
beforeAll(async () => {
  previous = tf.getBackend();
  await tf.setBackend('cpu');
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

describe('longConv input errors', () => {
  const u = () => tf.zeros([2, 8, 3]);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'u rank',
      () => longConv(tf.zeros([8, 3]), tf.zeros([8])),
      /u must have rank 3 \[B, L, H\], got shape \[8, 3\]/,
    ],
    ['k length', () => longConv(u(), tf.zeros([7])), /k must be \[L\] = \[8\].*got shape \[7\]/],
    [
      'k H',
      () => longConv(u(), tf.zeros([4, 8])),
      /per-channel k must be \[H, L\] = \[3, 8\].*got shape \[4, 8\]/,
    ],
    [
      'k L',
      () => longConv(u(), tf.zeros([3, 9])),
      /per-channel k must be \[H, L\] = \[3, 8\].*got shape \[3, 9\]/,
    ],
    [
      'k rank',
      () => longConv(u(), tf.zeros([1, 3, 8])),
      /k must have rank 1 \[L\] = \[8\] or rank 2 \[H, L\] = \[3, 8\]/,
    ],
    [
      'd shape',
      () => longConv(u(), tf.zeros([8]), tf.zeros([2])),
      /d must be \[1\] \(shared\) or \[H\] = \[3\], got shape \[2\]/,
    ],
    ['d rank', () => longConv(u(), tf.zeros([8]), tf.zeros([1, 3])), /d must be \[1\] .* got shape \[1, 3\]/],
    ['dtype', () => longConv(tf.zeros([2, 8, 3], 'int32'), tf.zeros([8])), /u must be float32, got int32/],
    [
      'strategy',
      () => longConv(u(), tf.zeros([8]), undefined, { strategy: 'fast' as never }),
      /opts\.strategy must be one of 'auto', 'toeplitz', 'fft', 'spectral', got "fast"/,
    ],
    [
      'direction',
      () => longConv(u(), tf.zeros([8]), undefined, { direction: 'backward' as never }),
      /opts\.direction must be one of 'causal', 'anticausal', got "backward"/,
    ],
    ['crossover', () => setConvCrossover('wasm', Number.NaN), /setConvCrossover: L must be a finite number/],
  ];
  for (const [name, fn, re] of cases) {
    it(`bad ${name}`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        expect(fn).toThrow(re);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('portable fallbacks (used on backends without our JS kernels), checked on cpu', () => {
  it('tf-ops Toeplitz build / diagonal sum equal the JS kernels', () => {
    for (const [G, L] of [
      [1, 1],
      [1, 6],
      [3, 7],
    ] as const) {
      const k = tf.tensor2d(Float32Array.from(randomValues(G * L, L)), [G, L]);
      const t = tf.tensor3d(Float32Array.from(randomValues(G * L * L, L + 1)), [G, L, L]);
      for (const upper of [false, true]) {
        const a = toeplitzBuild(k, upper);
        const b = toeplitzBuildOps(k, upper);
        expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
        const c = toeplitzDiagSum(t, upper);
        const e = toeplitzDiagSumOps(t, upper);
        expect(relMaxErr(e.dataSync(), c.dataSync())).toBeLessThan(1e-6);
        tf.dispose([a, b, c, e]);
      }
      tf.dispose([k, t]);
    }
  });

  it('fftConvPortable (dataSync customGrad) forward and gradients equal the registered kernel', () => {
    const [B, L, H] = [2, 9, 3];
    const u = tf.tensor3d(Float32Array.from(randomValues(B * L * H, 1)), [B, L, H]);
    for (const k of [
      tf.tensor1d(Float32Array.from(randomValues(L, 2))),
      tf.tensor2d(Float32Array.from(randomValues(H * L, 3)), [H, L]),
    ]) {
      for (const anti of [false, true]) {
        const viaKernel = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.square(
              longConv(a, b, undefined, { strategy: 'fft', direction: anti ? 'anticausal' : 'causal' }),
            ),
          ),
        )([u, k]);
        const viaPortable = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(fftConvPortable(a as tf.Tensor3D, b, anti))),
        )([u, k]);
        for (let i = 0; i < 2; i++) {
          expect(relMaxErr(viaPortable[i]!.dataSync(), viaKernel[i]!.dataSync())).toBeLessThan(1e-6);
        }
        tf.dispose([...viaKernel, ...viaPortable]);
      }
      k.dispose();
    }
    u.dispose();
  });
});

describe('against the recurrent (scan) oracle of src/kernel', () => {
  it('BiGS: conv with K = bigsKernelF64 and D equals scanBiGS, both directions, every strategy', () => {
    const [B, L, H] = [2, 40, 3];
    const params = initBiGSSSM(64, { seed: 3 });
    const kern = bigsKernelF64(params, L); // [L]
    const u = randomValues(B * L * H, 9);
    for (const direction of ['causal', 'anticausal'] as const) {
      const ref = scanBiGS(params, u, B, L, H, direction);
      for (const strategy of ['toeplitz', 'fft', 'spectral'] as const) {
        const y = tf.tidy(() =>
          longConv(
            tf.tensor3d(Float32Array.from(u), [B, L, H]),
            tf.tensor1d(Float32Array.from(kern)),
            tf.tensor1d(Float32Array.from(params.d.values)),
            { direction, strategy },
          ),
        );
        expect(relMaxErr(y.dataSync(), ref)).toBeLessThan(1e-5);
        y.dispose();
      }
    }
  });

  it('S4D: conv with per-channel K = s4dKernelF64 and D [H] equals scanS4D, both directions', () => {
    const [B, L, H] = [2, 33, 4];
    const params = initS4D(H, 16, { seed: 5 });
    const kern = s4dKernelF64(params, L); // [H, L]
    const u = randomValues(B * L * H, 10);
    for (const direction of ['causal', 'anticausal'] as const) {
      const ref = scanS4D(params, u, B, L, H, direction);
      for (const strategy of ['toeplitz', 'fft'] as const) {
        const y = tf.tidy(() =>
          longConv(
            tf.tensor3d(Float32Array.from(u), [B, L, H]),
            tf.tensor2d(Float32Array.from(kern), [H, L]),
            tf.tensor1d(Float32Array.from(params.d.values)),
            { direction, strategy },
          ),
        );
        expect(relMaxErr(y.dataSync(), ref)).toBeLessThan(1e-5);
        // the float64 direct reference agrees with the scan to round-off
        expect(
          relMaxErr(longConvReference(u, [B, L, H], kern, [H, L], params.d.values, direction), ref),
        ).toBeLessThan(1e-10);
        y.dispose();
      }
    }
  });
});

describe('crossover table', () => {
  it('has measured rows for wasm and cpu, falls back to wasm for unknown backends, and can be overridden', () => {
    expect(MEASURED_CONV_CROSSOVER.wasm).toBeGreaterThan(0);
    expect(MEASURED_CONV_CROSSOVER.cpu).toBeGreaterThanOrEqual(0);
    expect(getConvCrossover('webgl')).toBe(MEASURED_CONV_CROSSOVER.wasm);
    setConvCrossover('wasm', 0);
    expect(resolveConvStrategy('auto', 1, true, 'wasm')).toBe('fft');
    expect(convCrossoverKey('cpu')).toBe('cpu');
    expect(getConvCrossover('wasm-mt')).toBe(MEASURED_CONV_CROSSOVER['wasm-mt']);
    setConvCrossover('wasm', null);
    expect(getConvCrossover('wasm')).toBe(MEASURED_CONV_CROSSOVER.wasm);
  });
});
