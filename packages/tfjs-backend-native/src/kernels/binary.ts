/**
 * Broadcasting float32 binary kernels on the addon (`binary` in csrc/elementwise.cc): Add, Sub,
 * Multiply, RealDiv, Maximum, Minimum, SquaredDifference, Pow. Other dtypes (and float32 tensors whose
 * storage is not a Float32Array, e.g. after the cpu backend's free int32→float32 Cast) use the cpu kernel.
 * Also home of the small helpers the other addon kernel files share.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32 } from '../kernel-io.js';

export interface BinaryAddon {
  binary(
    op: number,
    a: Float32Array,
    aShape: Int32Array,
    b: Float32Array,
    bShape: Int32Array,
    out: Float32Array,
    outShape: Int32Array,
  ): void;
}

/** Whether `t` is float32 and stored as a Float32Array (what the addon kernels read). */
export function isF32(backend: NativeBackend, t: TensorInfo | undefined): t is TensorInfo {
  if (t === undefined || t.dtype !== 'float32') return false;
  const d = backend.data.get(t.dataId);
  return d !== undefined && d.complexTensorInfos === undefined && d.values instanceof Float32Array;
}

/** A shape (or any int list) as the Int32Array the addon takes. */
export function ints(v: readonly number[]): Int32Array {
  return Int32Array.from(v);
}

export const BINARY_OPS = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
  Pow: 7,
} as const;

/** a ⊙ b with numpy broadcasting, both float32 Float32Array-backed. */
export function binaryF32(backend: NativeBackend, op: number, a: TensorInfo, b: TensorInfo): TensorInfo {
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const { info, values } = backend.makeFloatOutput(outShape);
  requireAddon<BinaryAddon>().binary(
    op,
    f32(backend, a),
    ints(a.shape),
    f32(backend, b),
    ints(b.shape),
    values,
    ints(outShape),
  );
  return info;
}

export function makeBinaryKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  return Object.entries(BINARY_OPS).map(([name, op]) => {
    const kernelFunc: KernelFunc = (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const backend = args.backend as NativeBackend;
      if (!isF32(backend, a) || !isF32(backend, b)) return cpu(name)(args);
      return binaryF32(backend, op, a, b);
    };
    return { kernelName: name, backendName: 'native', kernelFunc };
  });
}
