/**
 * Helpers for native kernels: typed views of inputs, pooled outputs, and the rule that decides when a
 * kernel falls back to the cpu backend's JS kernel (non-float32 dtypes, complex tensors).
 */
import type { KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeBackend } from './backend.js';

/** Float32 values of a tensor (shared with the tensor: never write to an input). */
export function f32(backend: NativeBackend, t: TensorInfo): Float32Array {
  return backend.valuesOf(t) as Float32Array;
}

/** Int32 values of a tensor. */
export function i32(backend: NativeBackend, t: TensorInfo): Int32Array {
  return backend.valuesOf(t) as Int32Array;
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Whether every listed input is float32 (native kernels handle float32 only). */
export function allFloat32(inputs: NamedTensorInfoMap, names?: readonly string[]): boolean {
  for (const [name, t] of Object.entries(inputs)) {
    if (names !== undefined && !names.includes(name)) continue;
    if (t !== undefined && t.dtype !== 'float32') return false;
  }
  return true;
}

/**
 * A kernel function that runs `native` when `accept` holds, else the cpu backend's `fallback`
 * (the JS kernel, correct for every dtype).
 */
export function withFallback(
  fallback: KernelFunc,
  accept: (args: Parameters<KernelFunc>[0]) => boolean,
  native: KernelFunc,
): KernelFunc {
  return (args) => (accept(args) ? native(args) : fallback(args));
}
