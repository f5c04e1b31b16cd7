import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longConv, resolveConvStrategy } from './long-conv.js';
import { longConvReference } from './reference.js';
import { flipL, randomValues, relMaxErr } from './test-utils.js';
import type { ConvDirection, ConvStrategy } from './types.js';

const BACKENDS = ['cpu', 'wasm'] as const;
let previous = '';
beforeAll(() => {
  previous = tf.getBackend();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

/** Runs longConv on random data and compares it with the float64 reference. */
function checkForward(
  B: number,
  L: number,
  H: number,
  shared: boolean,
  dLen: 0 | 1 | 'H',
  direction: ConvDirection,
  strategy: ConvStrategy,
  seed: number,
): number {
  const kShape = shared ? [L] : [H, L];
  const u = randomValues(B * L * H, seed);
  const k = randomValues(shared ? L : H * L, seed + 1);
  const d = dLen === 0 ? undefined : randomValues(dLen === 1 ? 1 : H, seed + 2);
  const ref = longConvReference(u, [B, L, H], k, kShape, d, direction);
  const y = tf.tidy(() =>
    longConv(
      tf.tensor3d(Float32Array.from(u), [B, L, H]),
      tf.tensor(Float32Array.from(k), kShape),
      d === undefined ? undefined : tf.tensor1d(Float32Array.from(d)),
      { direction, strategy },
    ),
  );
  expect(y.shape).toEqual([B, L, H]);
  const err = relMaxErr(y.dataSync(), ref);
  y.dispose();
  return err;
}

for (const backend of BACKENDS) {
  describe(`longConv forward on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });

    const strategies: ConvStrategy[] = ['toeplitz', 'fft', 'auto'];
    for (const strategy of strategies) {
      for (const [B, L, H] of [
        [2, 1, 3],
        [2, 7, 3],
        [1, 33, 2],
        [2, 64, 4],
        [1, 9, 17],
        [1, 1000, 3],
      ] as const) {
        for (const shared of [true, false]) {
          it(`${strategy} B=${B} L=${L} H=${H} ${shared ? 'shared' : 'per-channel'} causal+anticausal vs float64 reference`, () => {
            for (const direction of ['causal', 'anticausal'] as const) {
              expect(checkForward(B, L, H, shared, 1, direction, strategy, 100 + L)).toBeLessThan(2e-5);
            }
          });
        }
      }
    }

    it('every d shape ([1], [H], none) with shared and per-channel kernels (D folding and the u·d path)', () => {
      for (const strategy of ['toeplitz', 'fft'] as const) {
        for (const shared of [true, false]) {
          for (const dLen of [0, 1, 'H'] as const) {
            expect(checkForward(2, 9, 3, shared, dLen, 'anticausal', strategy, 7)).toBeLessThan(2e-5);
            expect(checkForward(2, 9, 1, shared, dLen, 'causal', strategy, 8)).toBeLessThan(2e-5);
          }
        }
      }
    });

    it('toeplitz == fft, and anticausal(u) == flip(causal(flip(u)))', () => {
      const [B, L, H] = [2, 48, 5];
      const u = tf.tensor3d(Float32Array.from(randomValues(B * L * H, 3)), [B, L, H]);
      const k = tf.tensor1d(Float32Array.from(randomValues(L, 4)));
      const d = tf.tensor1d([0.3]);
      for (const direction of ['causal', 'anticausal'] as const) {
        const a = longConv(u, k, d, { direction, strategy: 'toeplitz' });
        const b = longConv(u, k, d, { direction, strategy: 'fft' });
        expect(relMaxErr(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
        tf.dispose([a, b]);
      }
      const anti = longConv(u, k, d, { direction: 'anticausal', strategy: 'fft' });
      const flipped = tf.reverse(u, 1);
      const causal = longConv(flipped, k, d, { direction: 'causal', strategy: 'toeplitz' });
      expect(relMaxErr(anti.dataSync(), flipL(causal.dataSync(), B, L, H))).toBeLessThan(1e-5);
      tf.dispose([u, k, d, anti, flipped, causal]);
    });

    if (backend === 'cpu') {
      it('spectral (tf.spectral, small sizes) vs float64 reference', () => {
        for (const [B, L, H] of [
          [1, 1, 2],
          [2, 7, 3],
          [1, 16, 2],
        ] as const) {
          for (const shared of [true, false]) {
            for (const direction of ['causal', 'anticausal'] as const) {
              expect(checkForward(B, L, H, shared, 1, direction, 'spectral', 50 + L)).toBeLessThan(2e-5);
            }
          }
        }
      });
    } else {
      it('spectral throws a clear error on wasm naming the working strategies', () => {
        const u = tf.zeros([1, 4, 2]);
        const k = tf.zeros([4]);
        expect(() => longConv(u, k, undefined, { strategy: 'spectral' })).toThrow(
          /strategy 'spectral' needs tf\.spectral FFT kernels.*backend 'wasm' lacks; use strategy 'fft', 'toeplitz' or 'auto'/,
        );
        tf.dispose([u, k]);
      });
    }
  });
}

describe('auto strategy', () => {
  it('uses fft for per-channel kernels and the crossover for shared kernels', () => {
    expect(resolveConvStrategy('auto', 64, false, 'wasm')).toBe('fft');
    expect(resolveConvStrategy('auto', 1, true, 'wasm')).toBe('toeplitz');
    expect(resolveConvStrategy('auto', 8192, true, 'wasm')).toBe('fft');
    expect(resolveConvStrategy('fft', 1, true, 'wasm')).toBe('fft');
  });
});
