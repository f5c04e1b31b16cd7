/** S4D kernel generation: HiPPO init, BiGS shared kernel, per-channel S4D kernel, float64 references, scans. */

export { BIGS_A_RE_MAX, bigsKernel } from './bigs-kernel.js';
export { hippoLegS, hippoLegSImag, hippoLegSNormal } from './hippo.js';
export {
  type BiGSScaling,
  type BiGSSSMInitOptions,
  bigsAImag,
  initBiGSSSM,
  initS4D,
  type S4DInitOptions,
} from './init.js';
export { symmetricEigenvalues } from './jacobi-eigen.js';
export {
  type BiGSSSMHostParams,
  type BiGSSSMParams,
  bigsParamsToHost,
  bigsParamsToTensors,
  type HostArray,
  type S4DHostParams,
  type S4DParams,
  s4dParamsToHost,
  s4dParamsToTensors,
} from './params.js';
export { bigsKernelF64, type ModesF64, s4dKernelF64, zohModesF64 } from './reference.js';
export { s4dKernel } from './s4d-kernel.js';
export { type ScanDirection, scanBiGS, scanS4D } from './scan.js';
export {
  type VandermondeGradHost,
  vandermondeBackwardHost,
  vandermondeForwardHost,
} from './vandermonde-math.js';
export {
  VANDERMONDE_BACKENDS,
  VANDERMONDE_GRAD_KERNEL,
  VANDERMONDE_KERNEL,
  type VandermondeImpl,
  type VandermondeOptions,
  vandermonde,
  vandermondeHasCustomKernel,
  vandermondeLog,
} from './vandermonde-op.js';
export { type ZohModes, zohModes } from './zoh.js';
