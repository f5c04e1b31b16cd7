/**
 * Long convolutions with gradients: y = conv(u, K) + D·u, causal or anticausal, shared [L] or per-channel [H, L]
 * kernels, by Toeplitz matmul, fft.js custom op, tf.spectral, or `auto` (measured crossover).
 */

export {
  convCrossoverKey,
  DEFAULT_CONV_CROSSOVER_BACKEND,
  getConvCrossover,
  MEASURED_CONV_CROSSOVER,
  setConvCrossover,
} from './crossover.js';
export { fftConvBackward, fftConvForward, fftSize } from './fft-core.js';
export {
  fftConv,
  fftConvPortable,
  LONG_CONV_FFT,
  LONG_CONV_FFT_GRAD,
  registerFftConvKernels,
} from './fft-op.js';
export { longConv, resolveConvStrategy } from './long-conv.js';
export { longConvReference, longConvReferenceGrad } from './reference.js';
export { backendHasSpectral, spectralConv } from './spectral.js';
export { toeplitzConv } from './toeplitz.js';
export {
  registerToeplitzKernels,
  TOEPLITZ_BUILD,
  TOEPLITZ_DIAG_SUM,
  toeplitzBuildOps,
  toeplitzDiagSumOps,
} from './toeplitz-ops.js';
export type { ConvDirection, ConvStrategy, LongConvOptions } from './types.js';
export { validateConvShapes } from './validate.js';
