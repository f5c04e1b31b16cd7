import * as tf from '@tensorflow/tfjs';
import type { S4DParams } from './params.js';
import { checkPositiveInt, checkShape } from './params.js';
import type { VandermondeOptions } from './vandermonde-op.js';
import { vandermondeLog } from './vandermonde-op.js';
import { zohModes } from './zoh.js';

/**
 * The standard per-channel S4D kernel (state-spaces/s4 `s4d.py` `S4DKernel.forward`):
 *
 *   K[h, l] = 2·Re Σ_m C[h,m] · (exp(Δ_h·A[h,m]) − 1)/A[h,m] · exp(l·Δ_h·A[h,m])
 *
 * with A = −exp(logAReal) + i·aImag, Δ_h = exp(logDt[h]), M = N/2 modes per channel. Differentiable in
 * logDt, logAReal, aImag and c. `d` is not used.
 *
 * @example
 * ```ts
 * const params = s4dParamsToTensors(initS4D(16, 64, { seed: 0 }));
 * const k = s4dKernel(params, 256); // [16, 256]: one kernel per channel
 * ```
 */
export function s4dKernel(params: S4DParams, length: number, options: VandermondeOptions = {}): tf.Tensor2D {
  const where = 's4dKernel';
  checkPositiveInt(where, 'length', length);
  if (params === undefined || params === null) throw new Error(`${where}: params are missing`);
  const [h, m] = checkShape(where, 'logAReal', params.logAReal.shape, [undefined, undefined]);
  checkShape(where, 'aImag', params.aImag.shape, [h, m]);
  checkShape(where, 'c', params.c.shape, [h, m, 2]);
  checkShape(where, 'logDt', params.logDt.shape, [h]);
  return tf.tidy(() => {
    const aRe = tf.neg(tf.exp(params.logAReal)); // [H, M]
    const dt = tf.exp(params.logDt).reshape([h!, 1]); // [H, 1]
    const [c0, c1] = tf.split(params.c, 2, 2); // [H, M, 1] each
    const modes = zohModes(aRe, params.aImag, dt, c0!.reshape([h!, m!]), c1!.reshape([h!, m!])); // fields [H, M]
    const k = vandermondeLog(modes.cRe, modes.cIm, modes.dtARe, modes.dtAIm, length, options); // [H, L]
    return tf.mul(k, 2) as tf.Tensor2D; // [H, L]
  });
}
