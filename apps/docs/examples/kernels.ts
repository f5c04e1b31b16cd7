/**
 * Architecture and numerics: one BiGS SSM direction by hand — the shared ZOH S4D kernel, then the causal and the
 * flip-free anticausal long convolution — checked against the literal flip form.
 * Included in guide/architecture.md; type-checked and run by test/examples.test.ts.
 */
// #region usage
import {
  bigsKernel,
  bigsParamsToTensors,
  initBiGSSSM,
  longConv,
  resolveConvStrategy,
} from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

export function kernelsAndConvolutions() {
  return tf.tidy(() => {
    const [B, L, H, N] = [2, 16, 4, 8];
    // One direction's parameters (docs/guide/architecture.md#ssm-parameters): A_re = −0.5, A_im = HiPPO-LegS, C ~ N(0, ½), D = 1, log_step.
    const params = bigsParamsToTensors(initBiGSSSM(N, { scaling: 'hippo', seed: 1 }));
    // K[l] = Re Σ_n C_n (e^{ΔA_n} − 1)/A_n · e^{lΔA_n}: one kernel shared by all H channels.
    const k = bigsKernel(params, L); // [L]
    const u = tf.randomNormal([B, L, H], 0, 1, 'float32', 7) as tf.Tensor3D; // [B, L, H]
    const causal = longConv(u, k, params.d, { direction: 'causal' }); // [B, L, H]
    // Backward branch without flips: flip ∘ causalConv ∘ flip = anticausal conv with the same kernel.
    const anti = longConv(u, k, params.d, { direction: 'anticausal' }); // [B, L, H]
    const flipped = tf.reverse(longConv(tf.reverse(u, 1), k, params.d, { direction: 'causal' }), 1); // [B, L, H]
    return {
      kernelShape: k.shape, // [16]
      outputShape: causal.shape, // [2, 16, 4]
      flipFreeMaxAbsDiff: tf.max(tf.abs(tf.sub(anti, flipped))).dataSync()[0]!, // ≈ 1e-7
      // What `strategy: 'auto'` picks for a shared kernel (Toeplitz at or below the crossover, else FFT):
      autoAt128OnWasm: resolveConvStrategy('auto', 128, true, 'wasm'), // 'toeplitz'
      autoAt1024OnWasm: resolveConvStrategy('auto', 1024, true, 'wasm'), // 'fft'
    };
  });
}
// #endregion usage
