/**
 * `@bigs/tfjs-backend-native`: a native CPU backend for TensorFlow.js. Importing it registers the
 * `native` backend when the addon loads (see {@link nativeUnavailableReason} otherwise).
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import { nativeInfo } from '@bigs/tfjs-backend-native';
 * await tf.setBackend('native');
 * tf.matMul(tf.ones([2, 3]), tf.ones([3, 4])).shape; // [2, 4]
 * nativeInfo()?.blas.name; // 'openblas' where OpenBLAS is installed, else 'built-in'
 */
import { createRequire } from 'node:module';
import { addonFile, type BlasInfo, loadAddon } from './addon.js';
import { BACKEND_NAME, registerNativeBackend } from './register.js';

export {
  addonFile,
  addonLoadError,
  type BlasInfo,
  type CoreAddon,
  loadAddon,
  requireAddon,
} from './addon.js';
export { NativeBackend } from './backend.js';
export { BufferPool } from './buffer-pool.js';
export type { BigsAdamWAttrs } from './kernels/fused.js';
export {
  BACKEND_NAME,
  nativeUnavailableReason,
  registerNativeBackend,
  registerNativeKernel,
} from './register.js';
export {
  formatVerifyReport,
  isVerifying,
  resetVerifyReport,
  setVerify,
  type VerifyEntry,
  verifyReport,
} from './verify.js';

/** This package's version (from its package.json). */
export const NATIVE_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;

/** What the engine runs with. */
export interface NativeInfo {
  backend: typeof BACKEND_NAME;
  addon: string;
  blas: BlasInfo;
  /** Threads of the addon's pool (elementwise, reductions, built-in GEMM). */
  poolThreads: number;
}

/** The addon's set-up, or `null` when it is unavailable. */
export function nativeInfo(): NativeInfo | null {
  const a = loadAddon();
  if (a === null) return null;
  return {
    backend: BACKEND_NAME,
    addon: addonFile() ?? '',
    blas: a.blasInfo(),
    poolThreads: a.poolThreads(),
  };
}

/**
 * Sets the thread counts: the addon pool and the BLAS library's threads (`BIGS_THREADS` in apps).
 * Returns what is in force.
 */
export function setNativeThreads(threads: number): { pool: number; blas: number } | null {
  const a = loadAddon();
  if (a === null) return null;
  return { pool: a.setPoolThreads(threads), blas: a.setBlasThreads(threads) };
}

registerNativeBackend();
