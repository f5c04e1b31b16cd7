import * as tf from '@tensorflow/tfjs';
import { allocOutput, JS_KERNEL_BACKENDS, viewOf } from './backend-io.js';

/** Kernel: k [G, L] → T [G, L, L], lower (T[i, j] = k[i−j], i ≥ j) or upper (T[i, j] = k[j−i], j ≥ i). */
export const TOEPLITZ_BUILD = 'BigsToeplitzBuild';
/** Kernel: dT [G, L, L] → dk [G, L], dk[m] = sum of the m-th sub-diagonal (lower) or super-diagonal (upper). */
export const TOEPLITZ_DIAG_SUM = 'BigsToeplitzDiagSum';

interface ToeplitzAttrs {
  upper: boolean;
}

let registered = false;

/**
 * Registers the two tiny JS Toeplitz kernels for 'cpu', 'wasm' and 'native' (idempotent). No gradients: used inside
 * customGrad. Called by the package's registration module (register-kernels.ts), not by the ops.
 */
export function registerToeplitzKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of JS_KERNEL_BACKENDS) {
    if (tf.getKernel(TOEPLITZ_BUILD, backendName) === undefined) {
      tf.registerKernel({
        kernelName: TOEPLITZ_BUILD,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const { k } = inputs as { k: tf.TensorInfo };
          const [G, L] = k.shape as [number, number];
          const upper = (attrs as unknown as ToeplitzAttrs).upper;
          const out = allocOutput(backend, [G, L, L]); // [G, L, L]; allocate before taking views
          const kv = viewOf(backend, k); // [G, L]
          const tv = viewOf(backend, out); // [G, L, L]
          tv.fill(0);
          for (let g = 0; g < G; g++) {
            const ko = g * L;
            const to = g * L * L;
            for (let i = 0; i < L; i++) {
              const row = to + i * L;
              if (upper) for (let j = i; j < L; j++) tv[row + j] = kv[ko + j - i]!;
              else for (let j = 0; j <= i; j++) tv[row + j] = kv[ko + i - j]!;
            }
          }
          return out;
        },
      });
    }
    if (tf.getKernel(TOEPLITZ_DIAG_SUM, backendName) === undefined) {
      tf.registerKernel({
        kernelName: TOEPLITZ_DIAG_SUM,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const { t } = inputs as { t: tf.TensorInfo };
          const [G, L] = t.shape as [number, number, number];
          const upper = (attrs as unknown as ToeplitzAttrs).upper;
          const out = allocOutput(backend, [G, L]); // [G, L]
          const tv = viewOf(backend, t); // [G, L, L]
          const dv = viewOf(backend, out); // [G, L]
          const acc = new Float64Array(L);
          for (let g = 0; g < G; g++) {
            acc.fill(0);
            const to = g * L * L;
            for (let i = 0; i < L; i++) {
              const row = to + i * L;
              if (upper) for (let j = i; j < L; j++) acc[j - i] = acc[j - i]! + tv[row + j]!;
              else for (let j = 0; j <= i; j++) acc[i - j] = acc[i - j]! + tv[row + j]!;
            }
            for (let m = 0; m < L; m++) dv[g * L + m] = acc[m]!;
          }
          return out;
        },
      });
    }
  }
}

/**
 * Toeplitz matrices from kernels with ordinary tf ops (concat, reverse, tile, slice, reshape; no gather/scatter),
 * for backends without the JS kernel (e.g. 'tensorflow', 'webgl').
 * @param k - [G, L]
 * @returns [G, L, L]
 * @example
 * toeplitzBuildOps(tf.tensor2d([[1, 2, 3]]), false); // [1, 3, 3]: [[1,0,0],[2,1,0],[3,2,1]]
 */
export function toeplitzBuildOps(k: tf.Tensor2D, upper: boolean): tf.Tensor3D {
  const [G, L] = k.shape;
  return tf.tidy(() => {
    if (L === 1) return k.reshape([G, 1, 1]) as tf.Tensor3D;
    // s = [k0, 0 × L, k_{L−1}, …, k_1] (period 2L); T[i, j] = s[(j − i) mod 2L] = flat[i·(2L−1) + j] of tile(s).
    const s = tf.concat(
      [k.slice([0, 0], [G, 1]), tf.zeros([G, L]), tf.reverse(k.slice([0, 1], [G, L - 1]), 1)],
      1,
    ); // [G, 2L]
    const tiled = tf.tile(s, [1, L]); // [G, 2L·L]
    const rows = tiled.slice([0, 0], [G, L * (2 * L - 1)]).reshape([G, L, 2 * L - 1]); // [G, L, 2L−1]
    const lower = rows.slice([0, 0, 0], [G, L, L]) as tf.Tensor3D; // [G, L, L]
    return upper ? (tf.transpose(lower, [0, 2, 1]) as tf.Tensor3D) : lower;
  });
}

/**
 * Diagonal sums with ordinary tf ops (the adjoint of {@link toeplitzBuildOps}).
 * @param t - [G, L, L]
 * @returns [G, L]
 * @example
 * toeplitzDiagSumOps(tf.ones([1, 3, 3]) as tf.Tensor3D, false); // [1, 3]: [[3, 2, 1]]
 */
export function toeplitzDiagSumOps(t: tf.Tensor3D, upper: boolean): tf.Tensor2D {
  const [G, L] = t.shape;
  return tf.tidy(() => {
    if (L === 1) return t.reshape([G, 1]) as tf.Tensor2D;
    const lower = upper ? tf.transpose(t, [0, 2, 1]) : t; // [G, L, L]
    const padded = tf.pad(lower, [
      [0, 0],
      [0, 0],
      [0, L - 1],
    ]); // [G, L, 2L−1]
    const flat = tf.pad(padded.reshape([G, L * (2 * L - 1)]), [
      [0, 0],
      [0, L],
    ]); // [G, 2L·L]
    const ds = flat.reshape([G, L, 2 * L]).sum(1); // [G, 2L]
    return tf.concat(
      [ds.slice([0, 0], [G, 1]), tf.reverse(ds.slice([0, L + 1], [G, L - 1]), 1)],
      1,
    ) as tf.Tensor2D; // [G, L]
  });
}

/** T [G, L, L] from k [G, L]: the JS kernel on cpu/wasm/native, tf ops elsewhere. Not differentiable by itself. */
export function toeplitzBuild(k: tf.Tensor2D, upper: boolean): tf.Tensor3D {
  if (tf.getKernel(TOEPLITZ_BUILD, tf.getBackend()) === undefined) return toeplitzBuildOps(k, upper);
  return tf.engine().runKernel(TOEPLITZ_BUILD, { k }, { upper } as never) as tf.Tensor3D;
}

/** dk [G, L] from dT [G, L, L]: the JS kernel on cpu/wasm/native, tf ops elsewhere. Not differentiable by itself. */
export function toeplitzDiagSum(t: tf.Tensor3D, upper: boolean): tf.Tensor2D {
  if (tf.getKernel(TOEPLITZ_DIAG_SUM, tf.getBackend()) === undefined) return toeplitzDiagSumOps(t, upper);
  return tf.engine().runKernel(TOEPLITZ_DIAG_SUM, { t }, { upper } as never) as tf.Tensor2D;
}
