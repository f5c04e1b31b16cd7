/**
 * The engines' start-up self-check: a small matmul whose float64 product is known, compared with what the
 * active backend computes. One probe and one error measure for every engine (wasm, native, webgpu).
 */

/** A matmul probe: A [m, k] and B [k, n] filled with smooth, sign-changing values. */
export interface MatmulProbe {
  m: number;
  k: number;
  n: number;
  a: Float32Array; // [m, k]
  b: Float32Array; // [k, n]
}

/**
 * The probe of the given size.
 * @example
 * const p = matmulProbe(67, 131, 45); // p.a.length === 67 * 131
 */
export function matmulProbe(m: number, k: number, n: number): MatmulProbe {
  const a = new Float32Array(m * k).map((_, i) => Math.sin(i * 0.37));
  const b = new Float32Array(k * n).map((_, i) => Math.cos(i * 0.11));
  return { m, k, n, a, b };
}

/**
 * Largest |exact − got| / (1 + |exact|) over the product, with the exact product in float64.
 * @example
 * matmulError(p, backendProduct) < 1e-4; // the engine passes
 */
export function matmulError(p: MatmulProbe, got: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < p.m; i++) {
    for (let j = 0; j < p.n; j++) {
      let s = 0;
      for (let q = 0; q < p.k; q++) s += (p.a[i * p.k + q] as number) * (p.b[q * p.n + j] as number);
      worst = Math.max(worst, Math.abs(s - (got[i * p.n + j] as number)) / (1 + Math.abs(s)));
    }
  }
  return worst;
}
