/**
 * Every addon kernel of the `native` backend. Each kernel file exports a `make…Kernels(cpu)` that gets
 * the cpu backend's kernel functions (for dtypes and cases it leaves to JS) and returns its configs.
 */

import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { makeBinaryKernels } from './binary.js';
import { makeFusedKernels } from './fused.js';
import { makeGatherKernels } from './gather.js';
import { makeMatMulKernels } from './matmul.js';
import { makeReduceKernels } from './reduce.js';
import { makeTransposeKernels } from './transpose.js';
import { makeUnaryKernels } from './unary.js';

/** The cpu backend's kernel function for `name` (throws when cpu has none). */
export function cpuKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (k === undefined) throw new Error(`native backend: no cpu kernel '${name}' to fall back to`);
  return k.kernelFunc;
}

export function nativeKernels(): KernelConfig[] {
  return [
    ...makeMatMulKernels(cpuKernel),
    ...makeBinaryKernels(cpuKernel),
    ...makeUnaryKernels(cpuKernel),
    ...makeReduceKernels(cpuKernel),
    ...makeTransposeKernels(cpuKernel),
    ...makeGatherKernels(cpuKernel),
    ...makeFusedKernels(cpuKernel),
  ];
}
