/**
 * The project's kernels on the `webgpu` backend (tfjs-backend-webgpu), as WGSL programs:
 * `BigsToeplitzBuild` / `BigsToeplitzDiagSum` (the Toeplitz long convolution, which `auto` uses for every
 * shared-kernel length on webgpu) and `BigsLongConvFft` / `BigsLongConvFftGrad` (the per-channel or long
 * path: on webgpu a direct O(L²) WGSL convolution, not an FFT — tfjs's WebGPU FFT is an O(N²) DFT and
 * host fallbacks would need `dataSync`, which tfjs-backend-webgpu cannot do in Node).
 *
 * Also: `AddN` for more inputs than a shader may bind (add-n.ts).
 *
 * Not registered here, and why: the Vandermonde kernel takes its differentiable tf-ops composition on
 * webgpu (float32 `exp`/`cos`/`sin`); `UnsortedSegmentSum` (embedding gradients) is tfjs-backend-webgpu's own
 * kernel; the fused GELU / LayerNorm / AdamW kernels exist only for `native` (composites run elsewhere).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { setConvCrossover } from '../conv/crossover.js';
import { LONG_CONV_FFT, LONG_CONV_FFT_GRAD } from '../conv/fft-op.js';
import { TOEPLITZ_BUILD, TOEPLITZ_DIAG_SUM } from '../conv/toeplitz-ops.js';
// The gradient registrations (kernel-name based, any backend) come with the package's one registration module.
import '../register-kernels.js';
import { installChunkedAddN } from './add-n.js';
import {
  convKernelGradProgram,
  type DispatchUtil,
  directConvProgram,
  sumRowsProgram,
  toeplitzBuildProgram,
  toeplitzDiagSumProgram,
} from './programs.js';

/** Kernel names this module registers for `webgpu`. */
export const WEBGPU_SSM_KERNELS: readonly string[] = [
  TOEPLITZ_BUILD,
  TOEPLITZ_DIAG_SUM,
  LONG_CONV_FFT,
  LONG_CONV_FFT_GRAD,
];

type Uniforms = { type: 'int32'; data: number[] }[];
const ints = (...values: number[]): Uniforms => values.map((v) => ({ type: 'int32', data: [v] }));

function run(
  backend: unknown,
  program: WebGPUProgram,
  inputs: tf.TensorInfo[],
  uniforms: Uniforms,
): tf.TensorInfo {
  return (backend as WebGPUBackend).runWebGPUProgram(program, inputs, 'float32', uniforms);
}

function convConfigs(util: DispatchUtil): tf.KernelConfig[] {
  const forward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { u, k } = inputs as { u: tf.TensorInfo; k: tf.TensorInfo };
    const [B, L, H] = u.shape as [number, number, number];
    const anti = (attrs as { anticausal: boolean }).anticausal;
    const program = directConvProgram(util, B, L, H, k.shape.length === 1, anti);
    return run(backend, program, [u, k], ints(L, H)); // [B, L, H]
  };
  const gradient: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, u, k } = inputs as { dy: tf.TensorInfo; u: tf.TensorInfo; k: tf.TensorInfo };
    const [B, L, H] = u.shape as [number, number, number];
    const anti = (attrs as { anticausal: boolean }).anticausal;
    const shared = k.shape.length === 1;
    // du: the same kernel run in the opposite direction over dy.
    const du = run(backend, directConvProgram(util, B, L, H, shared, !anti), [dy, k], ints(L, H)); // [B, L, H]
    const perChannel = run(backend, convKernelGradProgram(util, L, H, anti), [dy, u], ints(B, L, H)); // [H, L]
    if (!shared) return [du, perChannel];
    const dk = run(backend, sumRowsProgram(util, L), [perChannel], ints(H, L)); // [L]
    (backend as WebGPUBackend).disposeData(perChannel.dataId);
    return [du, dk];
  };
  return [
    { kernelName: LONG_CONV_FFT, backendName: 'webgpu', kernelFunc: forward },
    { kernelName: LONG_CONV_FFT_GRAD, backendName: 'webgpu', kernelFunc: gradient },
  ];
}

function toeplitzConfigs(util: DispatchUtil): tf.KernelConfig[] {
  return [
    {
      kernelName: TOEPLITZ_BUILD,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { k } = inputs as { k: tf.TensorInfo };
        const [G, L] = k.shape as [number, number];
        const upper = (attrs as { upper: boolean }).upper;
        return run(backend, toeplitzBuildProgram(util, G, L, upper), [k], ints(L)); // [G, L, L]
      },
    },
    {
      kernelName: TOEPLITZ_DIAG_SUM,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { t } = inputs as { t: tf.TensorInfo };
        const [G, L] = t.shape as [number, number, number];
        const upper = (attrs as { upper: boolean }).upper;
        return run(backend, toeplitzDiagSumProgram(util, G, L, upper), [t], ints(L)); // [G, L]
      },
    },
  ];
}

/**
 * Shared-kernel long convolutions use the Toeplitz matmul at every length on webgpu (`auto`'s crossover for
 * the `webgpu` key; a later {@link setConvCrossover} call overrides it).
 */
export const WEBGPU_CONV_CROSSOVER = Number.MAX_SAFE_INTEGER;

let registered = false;

/**
 * Registers the WGSL kernels for `webgpu` (idempotent) and sets `auto`'s conv crossover for webgpu. Call
 * after `@tensorflow/tfjs-backend-webgpu` is imported; pass its `webgpu_util`.
 */
export function registerWebgpuSsmKernels(util: DispatchUtil): void {
  if (registered) return;
  registered = true;
  for (const config of [...toeplitzConfigs(util), ...convConfigs(util)]) {
    if (tf.getKernel(config.kernelName, 'webgpu') === undefined) tf.registerKernel(config);
  }
  installChunkedAddN();
  setConvCrossover('webgpu', WEBGPU_CONV_CROSSOVER);
}
