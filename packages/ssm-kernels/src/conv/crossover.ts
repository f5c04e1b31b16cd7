import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * Crossover length per backend for `strategy: 'auto'` with a shared kernel: L ≤ crossover → Toeplitz matmul,
 * L > crossover → FFT. Measured with `measureConvCrossover` in `tools/bench/src/cases/long-conv.ts` (fwd+bwd, B·H = 8·768);
 * the command and the numbers are in the package README ("Long convolution").
 */
export const MEASURED_CONV_CROSSOVER: Readonly<Record<string, number>> = {
  /** wasm, 1 thread, SIMD. */
  wasm: 384,
  /** wasm with XNNPACK threads (the engine's thread shim): Toeplitz matmuls run threaded, fft.js does not. */
  'wasm-mt': 768,
  /** pure-JS cpu backend: fft.js wins at every L measured (1 … 128), so Toeplitz is never picked. */
  cpu: 0,
  /**
   * `native` (@bigs/tfjs-backend-native): C++ FFT kernels vs addon-GEMM Toeplitz; Toeplitz won only at L = 64
   * (`scripts/native-crossover.ts`, table in the README).
   */
  native: 64,
};

/**
 * Key of the crossover table for a tfjs backend name: `wasm-mt` for the wasm backend running more than one
 * thread, else the backend name itself.
 * @example
 * convCrossoverKey('cpu'); // 'cpu'; convCrossoverKey() on threaded wasm → 'wasm-mt'
 */
export function convCrossoverKey(backend: string = tf.getBackend()): string {
  if (backend !== 'wasm') return backend;
  try {
    return getThreadsCount() > 1 ? 'wasm-mt' : 'wasm';
  } catch {
    return 'wasm'; // wasm module not initialised yet
  }
}

/** Backends with no measurement use this row (unmeasured: the wasm number). */
export const DEFAULT_CONV_CROSSOVER_BACKEND = 'wasm';

const overrides = new Map<string, number>();

/**
 * Overrides the crossover length for one table key (a backend name, or `wasm-mt`), e.g. for 'tensorflow'.
 * Pass `null` to drop the override.
 * @example
 * setConvCrossover('wasm', 512); // shared-kernel convs with L ≤ 512 use Toeplitz on wasm
 */
export function setConvCrossover(backend: string, L: number | null): void {
  if (L === null) {
    overrides.delete(backend);
    return;
  }
  if (!Number.isFinite(L) || L < 0) {
    throw new Error(`setConvCrossover: L must be a finite number ≥ 0, got ${L}`);
  }
  overrides.set(backend, L);
}

/**
 * Crossover length used by `auto` for a table key: the override, else the measured table, else the default row.
 * @example
 * getConvCrossover('wasm'); // 384: shared-kernel convs with L ≤ 384 use Toeplitz on single-threaded wasm
 */
export function getConvCrossover(backend: string): number {
  return (
    overrides.get(backend) ??
    MEASURED_CONV_CROSSOVER[backend] ??
    MEASURED_CONV_CROSSOVER[DEFAULT_CONV_CROSSOVER_BACKEND]!
  );
}
