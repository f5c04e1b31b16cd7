import { describe, expect, it } from 'vitest';
import { fftConvBackward, fftConvForward, fftSize } from './fft-core.js';
import { longConvReference, longConvReferenceGrad } from './reference.js';
import { randomValues, relMaxErr } from './test-utils.js';

describe('fft-core (fft.js on typed arrays)', () => {
  it('fftSize is the smallest power of two ≥ 2L', () => {
    expect([1, 2, 3, 7, 8, 33, 64].map(fftSize)).toEqual([2, 4, 8, 16, 16, 128, 128]);
  });

  for (const [B, L, H] of [
    [1, 1, 1],
    [2, 7, 3],
    [1, 33, 4],
    [3, 16, 1],
    [2, 64, 5],
    [2, 7, 19], // more than one 16-channel group, odd H
    [1, 20, 34],
  ] as const) {
    for (const shared of [true, false]) {
      for (const anticausal of [false, true]) {
        it(`forward and backward match the float64 reference: B=${B} L=${L} H=${H} ${shared ? 'shared' : 'per-channel'} ${anticausal ? 'anticausal' : 'causal'}`, () => {
          const kShape = shared ? [L] : [H, L];
          const u = Float32Array.from(randomValues(B * L * H, 11 + L));
          const k = Float32Array.from(randomValues(shared ? L : H * L, 12 + H));
          const dy = Float32Array.from(randomValues(B * L * H, 13));
          const direction = anticausal ? 'anticausal' : 'causal';
          const y = fftConvForward(u, k, B, L, H, shared, anticausal);
          expect(relMaxErr(y, longConvReference(u, [B, L, H], k, kShape, undefined, direction))).toBeLessThan(
            1e-6,
          );
          const { du, dk } = fftConvBackward(dy, u, k, B, L, H, shared, anticausal);
          const ref = longConvReferenceGrad(dy, u, [B, L, H], k, kShape, undefined, direction);
          expect(relMaxErr(du, ref.du)).toBeLessThan(1e-6);
          expect(relMaxErr(dk, ref.dk)).toBeLessThan(1e-6);
        });
      }
    }
  }
});
