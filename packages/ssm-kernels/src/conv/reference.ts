import type { ConvDirection } from './types.js';
import { validateConvShapes, validateDirection } from './validate.js';

/**
 * Direct O(B·H·L²) float64 long convolution, the oracle every fast path is tested against.
 *
 * y[b, t, h] = Σ_{s≤t} K_h[t−s]·u[b, s, h] + D_h·u[b, t, h]   (causal)
 * y[b, t, h] = Σ_{s≥t} K_h[s−t]·u[b, s, h] + D_h·u[b, t, h]   (anticausal)
 *
 * @param u - flat row-major values of u, shape `uShape` = [B, L, H]
 * @param uShape - [B, L, H]
 * @param k - flat values of k, shape `kShape` = [L] (shared) or [H, L] (per channel)
 * @param kShape - [L] or [H, L]
 * @param d - optional skip, length 1 (shared) or H
 * @returns y as a Float64Array of length B·L·H (row-major [B, L, H])
 * @example
 * const y = longConvReference(new Float64Array(2 * 4 * 3), [2, 4, 3], [1, 0.5, 0.25, 0], [4], [1]);
 * // y.length === 24, i.e. [2, 4, 3]
 */
export function longConvReference(
  u: ArrayLike<number>,
  uShape: readonly number[],
  k: ArrayLike<number>,
  kShape: readonly number[],
  d?: ArrayLike<number>,
  direction: ConvDirection = 'causal',
): Float64Array {
  const { B, L, H, sharedKernel } = validateConvShapes(
    uShape,
    kShape,
    d === undefined ? undefined : [d.length],
  );
  validateDirection(direction);
  if (u.length !== B * L * H)
    throw new Error(`longConvReference: u has ${u.length} values, shape needs ${B * L * H}`);
  if (k.length !== (sharedKernel ? L : H * L)) {
    throw new Error(
      `longConvReference: k has ${k.length} values, shape ${JSON.stringify(kShape)} needs more/less`,
    );
  }
  const y = new Float64Array(B * L * H); // [B, L, H]
  const anti = direction === 'anticausal';
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kOff = sharedKernel ? 0 : h * L;
      const dh = d === undefined ? 0 : d.length === 1 ? d[0]! : d[h]!;
      for (let t = 0; t < L; t++) {
        let acc = dh * u[(b * L + t) * H + h]!;
        if (anti) {
          for (let s = t; s < L; s++) acc += k[kOff + s - t]! * u[(b * L + s) * H + h]!;
        } else {
          for (let s = 0; s <= t; s++) acc += k[kOff + t - s]! * u[(b * L + s) * H + h]!;
        }
        y[(b * L + t) * H + h] = acc;
      }
    }
  }
  return y;
}

/**
 * Float64 gradients of Σ dy·y for y = {@link longConvReference}(u, k, d): the adjoint of a causal conv is the
 * anticausal conv with the same kernel (and vice versa).
 * @returns du [B, L, H], dk like k ([L] or [H, L]), dd like d ([1] or [H]; empty when d is absent)
 * @example
 * const { du, dk, dd } = longConvReferenceGrad(dy, u, [2, 4, 3], k, [4], [1]);
 * // du.length === 24 ([2, 4, 3]), dk.length === 4 ([L]), dd.length === 1
 */
export function longConvReferenceGrad(
  dy: ArrayLike<number>,
  u: ArrayLike<number>,
  uShape: readonly number[],
  k: ArrayLike<number>,
  kShape: readonly number[],
  d?: ArrayLike<number>,
  direction: ConvDirection = 'causal',
): { du: Float64Array; dk: Float64Array; dd: Float64Array } {
  const { B, L, H, sharedKernel } = validateConvShapes(
    uShape,
    kShape,
    d === undefined ? undefined : [d.length],
  );
  const anti = validateDirection(direction) === 'anticausal';
  const du = longConvReference(dy, uShape, k, kShape, d, anti ? 'causal' : 'anticausal'); // [B, L, H]
  const dk = new Float64Array(sharedKernel ? L : H * L);
  const dd = new Float64Array(d === undefined ? 0 : d.length);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kOff = sharedKernel ? 0 : h * L;
      for (let t = 0; t < L; t++) {
        const g = dy[(b * L + t) * H + h]!;
        if (dd.length > 0) {
          const i = dd.length === 1 ? 0 : h;
          dd[i] = dd[i]! + g * u[(b * L + t) * H + h]!;
        }
        // causal: y[t] += k[j]·u[t−j]; anticausal: y[t] += k[j]·u[t+j]
        for (let j = 0; j < L; j++) {
          const s = anti ? t + j : t - j;
          if (s < 0 || s >= L) continue;
          dk[kOff + j] = dk[kOff + j]! + g * u[(b * L + s) * H + h]!;
        }
      }
    }
  }
  return { du, dk, dd };
}
