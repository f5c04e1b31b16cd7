/** Transpose of any rank on the addon (csrc/transpose.cc: coalesced dims, 8x8 AVX tiles). */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32 } from '../kernel-io.js';
import { ints, isF32 } from './binary.js';

export interface TransposeAddon {
  transpose(x: Float32Array, shape: Int32Array, perm: Int32Array, out: Float32Array): void;
}

/** x transposed by `perm` into a new pooled float32 tensor (x Float32Array-backed). */
export function transposeF32(backend: NativeBackend, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const outShape = perm.map((p) => x.shape[p] as number);
  const { info, values } = backend.makeFloatOutput(outShape);
  requireAddon<TransposeAddon>().transpose(f32(backend, x), ints(x.shape), ints(perm), values);
  return info;
}

export function makeTransposeKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  const transpose: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x) || perm.length !== x.shape.length) return cpu('Transpose')(args);
    return transposeF32(backend, x, perm);
  };
  return [{ kernelName: 'Transpose', backendName: 'native', kernelFunc: transpose }];
}
