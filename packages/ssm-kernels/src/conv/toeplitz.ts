import * as tf from '@tensorflow/tfjs';
import { toeplitzBuild, toeplitzDiagSum } from './toeplitz-ops.js';

/**
 * Toeplitz-matmul long convolution (no D term), as a tf.customGrad.
 *
 * Shared kernel k [L]: ONE plain 2-D untransposed matmul T [L, L] · U [L, B·H] (wasm's XNNPACK fast path).
 * Backward: dU = Tᵀ·dY with Tᵀ built directly as the opposite-direction Toeplitz matrix, dT = dY·Uᵀ with an explicit
 * transpose, dk = diagonal sums of dT (JS op). Every matmul is 2-D and untransposed.
 *
 * Per-channel k [H, L]: batched matmul [H, L, L]·[H, L, B]. Correct, but slow on wasm (batch > 1 leaves XNNPACK,
 * ~2 GFLOP/s) and it materialises H·L² floats (H = 768, L = 512: 0.8 GB); `auto` never picks it.
 *
 * @param u - [B, L, H]
 * @param k - [L] or [H, L]
 * @returns [B, L, H]
 * @example
 * const y = toeplitzConv(u, k, false); // u [8, 512, 768], k [512] → y [8, 512, 768]
 */
export function toeplitzConv(u: tf.Tensor3D, k: tf.Tensor, anticausal: boolean): tf.Tensor3D {
  const [B, L, H] = u.shape;
  const shared = k.rank === 1;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [uu, kk, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([uu, kk]);
    const value = shared
      ? tf.tidy(() => {
          const t = toeplitzBuild(kk.reshape([1, L]) as tf.Tensor2D, anticausal).reshape([
            L,
            L,
          ]) as tf.Tensor2D; // [L, L]
          const u2 = tf.transpose(uu, [1, 0, 2]).reshape([L, B * H]) as tf.Tensor2D; // [L, B·H]
          const y2 = tf.matMul(t, u2); // [L, B·H]
          return tf.transpose(y2.reshape([L, B, H]), [1, 0, 2]); // [B, L, H]
        })
      : tf.tidy(() => {
          const t = toeplitzBuild(kk as tf.Tensor2D, anticausal); // [H, L, L]
          const uh = tf.transpose(uu, [2, 1, 0]) as tf.Tensor3D; // [H, L, B]
          return tf.transpose(tf.matMul(t, uh), [2, 1, 0]); // [B, L, H]
        });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [su, sk] = saved as [tf.Tensor3D, tf.Tensor];
        if (shared) {
          return tf.tidy(() => {
            const tt = toeplitzBuild(sk.reshape([1, L]) as tf.Tensor2D, !anticausal).reshape([
              L,
              L,
            ]) as tf.Tensor2D; // Tᵀ [L, L]
            const dy2 = tf.transpose(dy, [1, 0, 2]).reshape([L, B * H]) as tf.Tensor2D; // [L, B·H]
            const du = tf.transpose(tf.matMul(tt, dy2).reshape([L, B, H]), [1, 0, 2]); // [B, L, H]
            const u2t = tf.transpose(su, [0, 2, 1]).reshape([B * H, L]) as tf.Tensor2D; // Uᵀ [B·H, L]
            const dt = tf.matMul(dy2, u2t).reshape([1, L, L]) as tf.Tensor3D; // [1, L, L]
            const dk = toeplitzDiagSum(dt, anticausal).reshape([L]); // [L]
            return [du, dk];
          });
        }
        return tf.tidy(() => {
          const tt = toeplitzBuild(sk as tf.Tensor2D, !anticausal); // Tᵀ [H, L, L]
          const dyh = tf.transpose(dy, [2, 1, 0]) as tf.Tensor3D; // [H, L, B]
          const du = tf.transpose(tf.matMul(tt, dyh), [2, 1, 0]); // [B, L, H]
          const uht = tf.transpose(su, [2, 0, 1]) as tf.Tensor3D; // Uᵀ [H, B, L]
          const dt = tf.matMul(dyh, uht) as tf.Tensor3D; // [H, L, L]
          const dk = toeplitzDiagSum(dt, anticausal); // [H, L]
          return [du, dk];
        });
      },
    };
  });
  return f(u, k) as tf.Tensor3D;
}
