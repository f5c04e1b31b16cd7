import * as tf from '@tensorflow/tfjs';
import type { BiGSSSMParams } from './params.js';
import { checkPositiveInt, checkShape } from './params.js';
import type { VandermondeOptions } from './vandermonde-op.js';
import { vandermondeLog } from './vandermonde-op.js';
import { zohModes } from './zoh.js';

/** The runtime clip of Re(A) in BiGS: Re(A) = min(A_re, −1e-4). */
export const BIGS_A_RE_MAX = -1e-4;

/**
 * The BiGS shared SSM kernel of one direction (official Flax `s4d_kernel_zoh`):
 *
 *   K[l] = Re Σ_n C_n · (exp(Δ·A_n) − 1)/A_n · exp(l·Δ·A_n),   l = 0 … length−1
 *
 * with A_n = min(A_re_n, −1e-4) + i·A_im_n, Δ = exp(log_step) (scalar), C_n = c[n,0] + i·c[n,1], all N modes,
 * **no factor 2**. Differentiable in aRe (zero gradient where clipped), aIm, c and logStep. `d` is not used.
 *
 * @param length - kernel length L (integer ≥ 1; the official model uses L = max_position_embeddings).
 * @example
 * ```ts
 * const params = bigsParamsToTensors(initBiGSSSM(64, { seed: 0 }));
 * const k = bigsKernel(params, 128); // [128], shared by all channels
 * ```
 */
export function bigsKernel(
  params: BiGSSSMParams,
  length: number,
  options: VandermondeOptions = {},
): tf.Tensor1D {
  const where = 'bigsKernel';
  checkPositiveInt(where, 'length', length);
  if (params === undefined || params === null) throw new Error(`${where}: params are missing`);
  const [n] = checkShape(where, 'aRe', params.aRe.shape, [undefined]);
  checkShape(where, 'aIm', params.aIm.shape, [n]);
  checkShape(where, 'c', params.c.shape, [n, 2]);
  checkShape(where, 'logStep', params.logStep.shape, [1]);
  return tf.tidy(() => {
    const aRe = tf.minimum(params.aRe, BIGS_A_RE_MAX); // [N]  differentiable clip
    const dt = tf.exp(params.logStep); // [1]
    const [c0, c1] = tf.split(params.c, 2, 1); // [N, 1] each
    const modes = zohModes(aRe, params.aIm, dt, c0!.reshape([n!]), c1!.reshape([n!])); // fields [N]
    return vandermondeLog(modes.cRe, modes.cIm, modes.dtARe, modes.dtAIm, length, options) as tf.Tensor1D; // [L]
  });
}
