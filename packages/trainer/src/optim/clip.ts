import { sumSquares } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

/**
 * Global L2 norm of a list of gradients: √(Σᵢ Σ gᵢ²).
 *
 * @example
 * globalNorm([tf.tensor([3]), tf.tensor([[4]])]); // scalar 5
 */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (grads.length === 0) return tf.scalar(0);
    const squares = grads.map((g) => sumSquares(g)); // each []: Σg² (fused BigsSumSquares where the backend has it)
    return tf.sqrt(tf.addN(squares)) as tf.Scalar; // []
  });
}

/**
 * Clip gradients by global norm (PyTorch `clip_grad_norm_` semantics): when `norm > maxNorm`, every gradient is
 * multiplied by `maxNorm / (norm + 1e-6)`. Returns NEW tensors (the inputs are not disposed) and the pre-clip
 * norm. Pass `norm` when already known to skip recomputing it.
 *
 * @example
 * const { grads, norm } = clipByGlobalNorm([tf.tensor([3, 4])], 1); // grads[0] ≈ [0.6, 0.8], norm 5
 */
export function clipByGlobalNorm(
  grads: tf.Tensor[],
  maxNorm: number,
  norm?: number,
): { grads: tf.Tensor[]; norm: number } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be > 0, got ${maxNorm}`);
  let n = norm;
  if (n === undefined) {
    const s = globalNorm(grads);
    n = s.dataSync()[0]!;
    s.dispose();
  }
  const coef = clipCoefficient(n, maxNorm);
  const out = grads.map((g) => (coef < 1 ? tf.mul(g, coef) : tf.clone(g))); // same shapes
  return { grads: out, norm: n };
}

/** The factor `min(1, maxNorm / (norm + 1e-6))` applied by {@link clipByGlobalNorm}. */
export function clipCoefficient(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}
