/**
 * Host (plain JS, float64-accumulated) Vandermonde products used by the custom op.
 * Row-major layouts: c and z are [H, M]; the kernel and its cotangent are [H, L].
 *
 *   K[h, l] = Re Σ_m c[h,m] · z[h,m]^l
 *
 * The powers come from the recurrence w ← w·z in float64 (O(H·M·L), no trig calls).
 * With `logZ = true` the last two inputs are the complex logarithm ζ of z (z = exp(ζ), formed in float64),
 * and the gradients are taken with respect to ζ.
 */

type Arr = ArrayLike<number>;

function expComplex(re: number, im: number): [number, number] {
  const mag = Math.exp(re);
  return [mag * Math.cos(im), mag * Math.sin(im)];
}

/**
 * Forward: K[h, l] = Re Σ_m c[h,m]·z[h,m]^l.
 * @returns Float64Array [H, L].
 * @example
 * ```ts
 * vandermondeForwardHost([1], [0], [0.5], [0], 1, 1, 3); // [1, 3]: [1, 0.5, 0.25]
 * ```
 */
export function vandermondeForwardHost(
  cRe: Arr,
  cIm: Arr,
  zRe: Arr,
  zIm: Arr,
  h: number,
  m: number,
  length: number,
  logZ = false,
): Float64Array {
  const out = new Float64Array(h * length); // [H, L]
  for (let r = 0; r < h; r++) {
    const base = r * length;
    for (let j = 0; j < m; j++) {
      const i = r * m + j;
      const cr = cRe[i]!;
      const ci = cIm[i]!;
      const [zr, zi] = logZ ? expComplex(zRe[i]!, zIm[i]!) : [zRe[i]!, zIm[i]!];
      // v = c·z^l, updated as v ← v·z (same as c·w with w ← w·z)
      let vr = cr;
      let vi = ci;
      for (let l = 0; l < length; l++) {
        out[base + l] = out[base + l]! + vr;
        const t = vr * zr - vi * zi;
        vi = vr * zi + vi * zr;
        vr = t;
      }
    }
  }
  return out;
}

/** Gradients of Σ dK·K with respect to the real and imaginary parts of c and z, each Float64Array [H, M]. */
export interface VandermondeGradHost {
  cRe: Float64Array;
  cIm: Float64Array;
  zRe: Float64Array;
  zIm: Float64Array;
}

/**
 * Backward of {@link vandermondeForwardHost}. With T = Σ_l dK[l]·z^l and S = Σ_{l≥1} dK[l]·l·z^{l−1}:
 * ∂/∂Re c = Re T, ∂/∂Im c = −Im T, ∂/∂Re z = Re(c·S), ∂/∂Im z = −Im(c·S)
 * (K = Re f with f holomorphic in c and z).
 * @returns four Float64Array [H, M].
 * @example
 * ```ts
 * const g = vandermondeBackwardHost([1, 1, 1], [1], [0], [0.5], [0], 1, 1, 3); // g.cRe: [1, 1] = [1.75]
 * ```
 */
export function vandermondeBackwardHost(
  dy: Arr,
  cRe: Arr,
  cIm: Arr,
  zRe: Arr,
  zIm: Arr,
  h: number,
  m: number,
  length: number,
  logZ = false,
): VandermondeGradHost {
  const g = {
    cRe: new Float64Array(h * m), // [H, M]
    cIm: new Float64Array(h * m), // [H, M]
    zRe: new Float64Array(h * m), // [H, M]
    zIm: new Float64Array(h * m), // [H, M]
  };
  for (let r = 0; r < h; r++) {
    const base = r * length;
    for (let j = 0; j < m; j++) {
      const i = r * m + j;
      const [zr, zi] = logZ ? expComplex(zRe[i]!, zIm[i]!) : [zRe[i]!, zIm[i]!];
      let wr = 1; // w = z^l
      let wi = 0;
      let tr = 0; // T
      let ti = 0;
      let sr = 0; // S
      let si = 0;
      for (let l = 0; l < length; l++) {
        const d = dy[base + l]!;
        if (l > 0) {
          // w currently holds z^(l−1)
          sr += d * l * wr;
          si += d * l * wi;
          const t = wr * zr - wi * zi;
          wi = wr * zi + wi * zr;
          wr = t;
        }
        tr += d * wr;
        ti += d * wi;
      }
      const cr = cRe[i]!;
      const ci = cIm[i]!;
      g.cRe[i] = tr;
      g.cIm[i] = -ti;
      // G = c·S = ∂f/∂z; for ζ = log z, ∂f/∂ζ = z·G
      let gr = cr * sr - ci * si;
      let gi = cr * si + ci * sr;
      if (logZ) {
        const t = gr * zr - gi * zi;
        gi = gr * zi + gi * zr;
        gr = t;
      }
      g.zRe[i] = gr;
      g.zIm[i] = -gi;
    }
  }
  return g;
}
