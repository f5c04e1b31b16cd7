import { symmetricEigenvalues } from './jacobi-eigen.js';

/**
 * The HiPPO-LegS state matrix in the sign convention of the BiGS code (already negated):
 * A[n,k] = −√(2n+1)·√(2k+1) for n > k, −(n+1) for n = k, 0 for n < k.
 *
 * @param n - state size N (integer ≥ 1).
 * @returns row-major Float64Array [N, N].
 * @example
 * ```ts
 * const a = hippoLegS(4); // Float64Array [4, 4] (16 entries), a[0] = -1
 * ```
 */
export function hippoLegS(n: number): Float64Array {
  checkN('hippoLegS', n);
  const a = new Float64Array(n * n); // [N, N]
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) a[i * n + k] = -Math.sqrt(2 * i + 1) * Math.sqrt(2 * k + 1);
    a[i * n + i] = -(i + 1);
  }
  return a;
}

/**
 * The normal part S = A_LegS + P·Pᵀ with P_n = √(n + ½). Its diagonal is the constant −½ and its
 * off-diagonal part is skew-symmetric.
 *
 * @param n - state size N (integer ≥ 1).
 * @returns row-major Float64Array [N, N].
 * @example
 * ```ts
 * const s = hippoLegSNormal(4); // Float64Array [4, 4]; s[i*4+i] === -0.5 for every i
 * ```
 */
export function hippoLegSNormal(n: number): Float64Array {
  const s = hippoLegS(n); // [N, N]
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) s[i * n + k] = s[i * n + k]! + Math.sqrt(i + 0.5) * Math.sqrt(k + 0.5);
  }
  return s;
}

const cache = new Map<number, Float64Array>();

/**
 * Imaginary parts of the diagonal (DPLR) HiPPO-LegS initialisation used by BiGS (`scaling: 'hippo'`):
 * the eigenvalues of the Hermitian matrix −i·S_skew, where S_skew = (S − Sᵀ)/2 is the skew part of
 * S = A_LegS + P·Pᵀ, sorted ascending. Computed in float64 with a Jacobi solver on the real symmetric
 * 2N×2N embedding [[0, S_skew], [−S_skew, 0]] (each eigenvalue appears there twice). They come in
 * ± pairs (plus one 0 when N is odd); for N = 64 they run from ±0.264 to ±1303.27.
 * The real part of every eigenvalue is the constant −½ (the diagonal of S), see `initBiGSSSM`.
 *
 * @param n - state size N (integer ≥ 1).
 * @returns a fresh Float64Array [N], ascending.
 * @example
 * ```ts
 * const im = hippoLegSImag(64); // Float64Array [64]: -1303.27…, …, -0.264…, 0.264…, …, 1303.27…
 * ```
 */
export function hippoLegSImag(n: number): Float64Array {
  checkN('hippoLegSImag', n);
  let w = cache.get(n);
  if (w === undefined) {
    const s = hippoLegSNormal(n); // [N, N]
    const m = 2 * n;
    const emb = new Float64Array(m * m); // [2N, 2N]
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const skew = 0.5 * (s[i * n + k]! - s[k * n + i]!);
        emb[i * m + (n + k)] = skew; // upper-right block: S_skew
        emb[(n + i) * m + k] = -skew; // lower-left block: −S_skew = S_skewᵀ
      }
    }
    const all = symmetricEigenvalues(emb, m); // [2N] ascending, each eigenvalue twice
    w = new Float64Array(n); // [N]
    for (let i = 0; i < n; i++) w[i] = 0.5 * (all[2 * i]! + all[2 * i + 1]!);
    cache.set(n, w);
  }
  return w.slice();
}

function checkN(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${fn}: n (state size N) must be an integer >= 1, got ${String(n)}`);
  }
}
