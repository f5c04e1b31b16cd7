/**
 * Test helpers for the addon kernels: run the same function on the `cpu` and `native` backends and
 * compare (exactly, or within a relative tolerance). Imported by the kernel test files only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export interface Input {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  data: ArrayLike<number>;
}

export interface Output {
  shape: number[];
  dtype: string;
  data: number[];
}

/** Deterministic values in [-scale, scale) (LCG). */
export function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

/** Random values with NaN, ±Infinity, ±0 and ±1 sprinkled in (when n is big enough). */
export function randSpecial(n: number, seed: number, scale = 3): Float32Array {
  const v = rand(n, seed, scale);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1, -1];
  if (n >= 20) for (let k = 0; k < specials.length; k++) v[(k * 7 + seed) % n] = specials[k] as number;
  return v;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function input(shape: number[], seed: number, scale = 1): Input {
  return { shape, data: rand(size(shape), seed, scale) };
}

/** fn on `backend` with fresh tensors made from `inputs`; outputs read back as plain arrays. */
export async function runOn(
  backend: string,
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Output[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(Array.from(i.data), i.shape, i.dtype ?? 'float32'));
    const out = fn(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => ({
      shape: t.shape,
      dtype: t.dtype,
      data: Array.from(t.dataSync() as ArrayLike<number>),
    }));
  });
}

/**
 * Runs fn on cpu and native and expects equal outputs: exactly when `rtol` is 0, otherwise
 * |native − cpu| ≤ rtol · max(|cpu|, floor) elementwise (NaN where cpu has NaN, same infinities).
 */
export async function expectSame(
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  rtol = 0,
  floor = 1,
  label = '',
): Promise<void> {
  const want = await runOn('cpu', inputs, fn);
  const got = await runOn('native', inputs, fn);
  expect(got.length, label).toBe(want.length);
  want.forEach((w, k) => {
    const g = got[k] as Output;
    expect(g.shape, label).toEqual(w.shape);
    expect(g.dtype, label).toBe(w.dtype);
    expect(g.data.length, label).toBe(w.data.length);
    for (let i = 0; i < w.data.length; i++) {
      const a = g.data[i] as number;
      const b = w.data[i] as number;
      if (Number.isNaN(b) || !Number.isFinite(b) || rtol === 0) {
        if (!Object.is(a, b) && !(a === b && rtol > 0)) {
          // -0 vs +0 only matters for exact comparisons of data movement; values must be identical.
          if (a === b) continue;
          expect(a, `${label} [${i}] of [${w.shape}]`).toBe(b);
        }
      } else if (Math.abs(a - b) > rtol * Math.max(Math.abs(b), floor)) {
        expect(a, `${label} [${i}] of [${w.shape}] (rtol ${rtol})`).toBeCloseTo(b, 12);
      }
    }
  });
}
