import { describe, expect, it } from 'vitest';
import { longConvReference, longConvReferenceGrad } from './reference.js';
import { flipL, randomValues, relMaxErr } from './test-utils.js';

describe('longConvReference', () => {
  it('matches a hand-computed causal and anticausal example', () => {
    // B = 1, L = 3, H = 1, k = [1, 2, 3], u = [1, 10, 100], d = 0.5
    const u = [1, 10, 100];
    expect(Array.from(longConvReference(u, [1, 3, 1], [1, 2, 3], [3], [0.5]))).toEqual([
      1 + 0.5,
      10 + 2 + 5,
      100 + 20 + 3 + 50,
    ]);
    expect(Array.from(longConvReference(u, [1, 3, 1], [1, 2, 3], [3], undefined, 'anticausal'))).toEqual([
      1 + 20 + 300,
      10 + 200,
      100,
    ]);
  });

  it('anticausal = flip ∘ causal ∘ flip, per-channel kernels and d', () => {
    const [B, L, H] = [2, 9, 3];
    const u = randomValues(B * L * H, 1);
    const k = randomValues(H * L, 2);
    const d = randomValues(H, 3);
    const anti = longConvReference(u, [B, L, H], k, [H, L], d, 'anticausal');
    const viaFlip = flipL(longConvReference(flipL(u, B, L, H), [B, L, H], k, [H, L], d, 'causal'), B, L, H);
    expect(relMaxErr(anti, viaFlip)).toBeLessThan(1e-14);
  });

  it('longConvReferenceGrad is the adjoint: <dy, y(u,k,d)> is linear with those gradients', () => {
    const [B, L, H] = [2, 6, 2];
    for (const direction of ['causal', 'anticausal'] as const) {
      const u = randomValues(B * L * H, 4);
      const k = randomValues(L, 5);
      const d = [0.7];
      const dy = randomValues(B * L * H, 6);
      const { du, dk, dd } = longConvReferenceGrad(dy, u, [B, L, H], k, [L], d, direction);
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
        return s;
      };
      const f = dot(dy, longConvReference(u, [B, L, H], k, [L], d, direction));
      // y is linear in u (and in (k, d) jointly): f = <du, u> = <dk, k> + <dd, d>
      expect(Math.abs(f - dot(du, u))).toBeLessThan(1e-10);
      expect(Math.abs(f - dot(dk, k) - dot(dd, d))).toBeLessThan(1e-10);
    }
  });

  it('rejects bad shapes with the argument name and expected vs actual shapes', () => {
    expect(() => longConvReference([1, 2], [1, 2], [1, 2], [2])).toThrow(/u must have rank 3/);
    expect(() => longConvReference([1, 2, 3], [1, 3, 1], [1, 2], [2])).toThrow(
      /k must be \[L\] = \[3\].*got shape \[2\]/,
    );
  });
});
