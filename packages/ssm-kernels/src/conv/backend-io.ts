import type * as tf from '@tensorflow/tfjs';

/**
 * Typed-array access to tensors inside a JS kernel registered for the `cpu` or `wasm` backend.
 *
 * wasm trap: a view into the wasm heap is detached when the heap grows. Allocate every output first
 * ({@link allocOutput}), then take views ({@link viewOf}) and compute without allocating tensors in between.
 */

// biome-ignore lint/suspicious/noExplicitAny: backend internals are untyped across backends
type AnyBackend = any;

/** Backends our JS kernels are registered for (`native`: `@bigs/tfjs-backend-native`, tensors are JS typed arrays as on cpu). */
export const JS_KERNEL_BACKENDS = ['cpu', 'wasm', 'native'] as const;

const isWasm = (backend: AnyBackend): boolean => typeof backend.typedArrayFromHeap === 'function';

/** A read/write typed-array view of a tensor's values (wasm: a heap view; cpu: the stored array). */
export function viewOf(backend: AnyBackend, t: tf.TensorInfo): Float32Array {
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  return backend.data.get(t.dataId).values as Float32Array;
}

/** Allocates a float32 output tensor; on cpu its values array is created here and can be written via viewOf. */
export function allocOutput(backend: AnyBackend, shape: number[]): tf.TensorInfo {
  if (isWasm(backend)) return backend.makeOutput(shape, 'float32') as tf.TensorInfo;
  let size = 1;
  for (const s of shape) size *= s;
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(size)) as tf.TensorInfo;
}

/** Makes a float32 output tensor holding `values` (copied on wasm, adopted on cpu). */
export function outputFrom(backend: AnyBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32') as tf.TensorInfo;
    (backend.typedArrayFromHeap(out) as Float32Array).set(values);
    return out;
  }
  return backend.makeTensorInfo(shape, 'float32', values) as tf.TensorInfo;
}
