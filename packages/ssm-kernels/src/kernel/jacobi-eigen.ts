/**
 * Eigenvalues of a real symmetric matrix by the cyclic Jacobi method, in float64.
 *
 * Only the lower triangle is read; the input is not modified. Converges quadratically; for the
 * small matrices used here (N ≤ a few hundred) it is fast and accurate to a few ulps of ‖A‖.
 *
 * @param a - row-major [n, n] symmetric matrix.
 * @param n - matrix size.
 * @returns eigenvalues sorted ascending, Float64Array [n].
 * @example
 * ```ts
 * const w = symmetricEigenvalues(new Float64Array([2, 1, 1, 2]), 2); // [2]: [1, 3]
 * ```
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`symmetricEigenvalues: n must be an integer >= 1, got ${String(n)}`);
  }
  if (a.length !== n * n) {
    throw new Error(`symmetricEigenvalues: a must have n*n = ${n * n} entries, got ${a.length}`);
  }
  const m = new Float64Array(n * n); // [n, n]
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j]!;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  let frob = 0;
  for (let i = 0; i < n * n; i++) frob += m[i]! * m[i]!;
  const tol = 1e-30 * Math.max(frob, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) off += m[i * n + j]! * m[i * n + j]!;
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
      }
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = m[i * n + i]!;
  return w.sort();
}
