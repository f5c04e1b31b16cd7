/**
 * The package's registration module, imported for its side effect by the package entries (index.ts) and listed in
 * package.json `sideEffects`, as tfjs backends do: it registers every JS kernel and gradient of `@bigs/ssm-kernels`
 * with the tfjs registry before any op runs. The ops never register anything themselves.
 *
 * - `BigsToeplitzBuild`, `BigsToeplitzDiagSum` (cpu, wasm, native; used inside custom gradients),
 * - `BigsLongConvFft` + `BigsLongConvFftGrad` and the gradient of `BigsLongConvFft` (cpu, wasm, native),
 * - `BigsVandermonde` + `BigsVandermondeGrad` and its gradient (cpu, wasm, native),
 * - the gradients of the fused `BigsGelu` / `BigsLayerNorm` (their forward kernels come from the backend),
 * - `UnsortedSegmentSum` for wasm (tf.gather's gradient; tfjs-backend-wasm 4.22 lacks it).
 *
 * Kernels that need a loaded backend module are registered by that engine's own registration module when the engine
 * starts: the native C++ kernels (engine/register-native-kernels.ts, imported by `initEngine` once the addon loads)
 * and the WGSL kernels (webgpu/register-webgpu-kernels.ts). The fast `BatchMatMul` gradient is an option of
 * `initEngine` (`fastMatMulGradient`), installed and removable there.
 */
import { registerFftConvKernels } from './conv/fft-op.js';
import { registerToeplitzKernels } from './conv/toeplitz-ops.js';
import { registerUnsortedSegmentSum } from './engine/register-unsorted-segment-sum.js';
import { registerFusedGradients } from './fused/fused-ops.js';
import { registerVandermondeKernels } from './kernel/vandermonde-op.js';

registerToeplitzKernels();
registerFftConvKernels();
registerVandermondeKernels();
registerFusedGradients();
registerUnsortedSegmentSum();
