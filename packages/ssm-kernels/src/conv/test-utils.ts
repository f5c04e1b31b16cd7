/** Test helpers for the conv tests (deterministic random data, error norms). Not exported by the package. */
import { createRng } from '@bigs/common';

/** Deterministic uniform(−1, 1) values from an integer seed (the project's RNG, `createRng`). */
export function randomValues(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform() * 2 - 1;
  return out;
}

/** max |a − b| / max(1e-12, max |b|). */
export function relMaxErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relMaxErr: lengths ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Reverses the length axis of a row-major [B, L, H] array. */
export function flipL(x: ArrayLike<number>, B: number, L: number, H: number): Float64Array {
  const out = new Float64Array(B * L * H);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < L; t++)
      for (let h = 0; h < H; h++) out[(b * L + t) * H + h] = x[(b * L + (L - 1 - t)) * H + h]!;
  return out;
}
