// Test-only helpers for the kernel tests (not exported from the package).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** Backends the kernel tests run on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Select a backend (and silence the one-off Node banner of the cpu backend). */
export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`could not set backend ${name}`);
  await tf.ready();
}

/** max |a − b| / max(|b|, floor). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0;
  let den = floor;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Deterministic pseudo-random weights in [−1, 1). */
export function weights(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** loss(K) = Σ_l R[l]·tanh(K[l]) in float64. */
export function lossF64(k: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < k.length; i++) s += r[i]! * Math.tanh(k[i]!);
  return s;
}

/** Central finite differences of f with respect to every entry of x (x is restored). */
export function finiteDiff(x: Float64Array, f: () => number, h: number): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    x[i] = x0 + h;
    const fp = f();
    x[i] = x0 - h;
    const fm = f();
    x[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}
