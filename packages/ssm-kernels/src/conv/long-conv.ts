import * as tf from '@tensorflow/tfjs';
import { convCrossoverKey, getConvCrossover } from './crossover.js';
import { fftConv } from './fft-op.js';
import { spectralConv } from './spectral.js';
import { toeplitzConv } from './toeplitz.js';
import type { ConvStrategy, LongConvOptions } from './types.js';
import { validateConvShapes, validateDirection, validateStrategy } from './validate.js';

/**
 * The concrete strategy `auto` resolves to for a problem on a backend: per-channel kernels always use `fft`;
 * a shared kernel uses `toeplitz` for L ≤ {@link getConvCrossover}(key), else `fft`.
 * @param backendKey - crossover table key; default {@link convCrossoverKey}() (`wasm-mt` when wasm runs threads)
 * @example
 * resolveConvStrategy('auto', 4096, true, 'wasm'); // 'fft'
 * resolveConvStrategy('auto', 128, true, 'wasm'); // 'toeplitz'
 */
export function resolveConvStrategy(
  strategy: ConvStrategy,
  L: number,
  sharedKernel: boolean,
  backendKey: string = convCrossoverKey(),
): Exclude<ConvStrategy, 'auto'> {
  if (strategy !== 'auto') return strategy;
  if (!sharedKernel) return 'fft';
  return L <= getConvCrossover(backendKey) ? 'toeplitz' : 'fft';
}

/**
 * Long convolution y = conv(u, K) + D·u along the length axis, with gradients for u, K and D on every strategy.
 *
 * - causal:     y[b, t, h] = Σ_{s≤t} K_h[t−s]·u[b, s, h] + D_h·u[b, t, h]
 * - anticausal: y[b, t, h] = Σ_{s≥t} K_h[s−t]·u[b, s, h] + D_h·u[b, t, h]   (= flip∘causal∘flip, without flips)
 *
 * K is one kernel [L] shared by every channel (BiGS) or one per channel [H, L] (standard S4D); D is [1] (shared
 * scalar, BiGS) or [H]. Strategies: `toeplitz` (matmul), `fft` (fft.js custom op, any backend), `spectral`
 * (tf.spectral; cpu/tensorflow only), `auto` (toeplitz below a measured crossover length, else fft).
 *
 * @param u - [B, L, H] float32
 * @param k - [L] or [H, L] float32
 * @param d - optional [1] or [H] float32
 * @param opts - direction (default `causal`) and strategy (default `auto`)
 * @returns y [B, L, H]
 * @example
 * const u = tf.randomNormal([8, 128, 768]) as tf.Tensor3D;
 * const k = tf.randomNormal([128]);
 * const y = longConv(u, k, tf.ones([1]), { direction: 'anticausal' }); // [8, 128, 768]
 */
export function longConv(u: tf.Tensor, k: tf.Tensor, d?: tf.Tensor, opts: LongConvOptions = {}): tf.Tensor3D {
  if (!(u instanceof tf.Tensor)) throw new Error('longConv: u must be a tf.Tensor [B, L, H]');
  if (!(k instanceof tf.Tensor)) throw new Error('longConv: k must be a tf.Tensor [L] or [H, L]');
  if (d !== undefined && !(d instanceof tf.Tensor))
    throw new Error('longConv: d must be a tf.Tensor [1] or [H]');
  const { L, H, sharedKernel } = validateConvShapes(u.shape, k.shape, d?.shape);
  for (const [name, t] of [
    ['u', u],
    ['k', k],
    ['d', d],
  ] as const) {
    if (t !== undefined && t.dtype !== 'float32') {
      throw new Error(`longConv: ${name} must be float32, got ${t.dtype}`);
    }
  }
  const anticausal = validateDirection(opts.direction) === 'anticausal';
  const strategy = resolveConvStrategy(validateStrategy(opts.strategy), L, sharedKernel);
  const u3 = u as tf.Tensor3D;
  return tf.tidy(() => {
    // Fold D into K[0] when the folded kernel has the same form (conv with K + D·δ equals conv + D·u).
    let kk = k; // [L] | [H, L]
    let skip: tf.Tensor | null = null; // [1] | [H], applied as u·d when it cannot be folded
    if (d !== undefined) {
      if (sharedKernel && d.shape[0] !== 1 && H !== 1) {
        skip = d;
      } else if (sharedKernel) {
        kk = tf.add(k, tf.pad(d.reshape([1]), [[0, L - 1]])); // [L]
      } else {
        kk = tf.add(
          k,
          tf.pad(d.reshape([d.shape[0]!, 1]), [
            [0, 0],
            [0, L - 1],
          ]),
        ); // [H, L]
      }
    }
    let y: tf.Tensor3D; // [B, L, H]
    if (strategy === 'toeplitz') y = toeplitzConv(u3, kk, anticausal);
    else if (strategy === 'fft') y = fftConv(u3, kk, anticausal);
    else y = spectralConv(u3, kk, anticausal);
    if (skip !== null) y = tf.add(y, tf.mul(u3, skip)); // [B, L, H]
    return y;
  });
}
