/**
 * @packageDocumentation
 * `@bigs/ssm-kernels`: the numeric heart of BiGS — S4D kernel generation (the BiGS shared kernel and the
 * standard per-channel variant), long convolutions with gradients (Toeplitz, FFT, tf.spectral, auto),
 * the recurrent form used as a test oracle, a dense op whose gradient stays on each backend's fast path,
 * and engine set-up (`initEngine`).
 */

// Registers every JS kernel and gradient before anything runs (see register-kernels.ts; listed in sideEffects).
import './register-kernels.js';

export * from './conv/index.js';
export * from './dense/index.js';
export * from './engine/index.js';
export * from './fused/index.js';
export * from './kernel/index.js';
