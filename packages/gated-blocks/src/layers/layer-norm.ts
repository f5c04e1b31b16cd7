import { fusedLayerNorm } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { Module } from '../module/module.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Width of the normalised (last) axis. */
  size: number;
  /** ε inside the rsqrt; BiGS and BERT use 1e-12 (config `layer_norm_eps`). Default 1e-12. */
  eps?: number;
}

/**
 * LayerNorm over the last axis: y = (x − μ)·rsqrt(σ² + ε)·weight + bias.
 *
 * Parameters: `weight` [size] (init 1; Flax calls it `scale`), `bias` [size] (init 0); neither is weight-decayed
 * (group `norm`). On a backend with the fused `BigsLayerNorm` kernel (`native`) forward and gradient are one
 * kernel each; elsewhere composite ops. σ² is computed as the mean of squared deviations (the Flax code uses E[x²] − E[x]²; the two agree
 * to float32 rounding, and the centred form cannot go negative).
 *
 * @example
 * const ln = new LayerNorm({ size: 8 });
 * ln.forward(tf.randomNormal([2, 5, 8])); // [2, 5, 8]
 */
export class LayerNorm extends Module {
  readonly size: number;
  readonly eps: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(options: LayerNormOptions) {
    super();
    const { size, eps = 1e-12 } = options;
    checkPositiveInt('LayerNorm', 'size', size);
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
      throw new Error(`LayerNorm: eps must be a finite number >= 0, got ${String(eps)}`);
    }
    this.size = size;
    this.eps = eps;
    this.weight = this.addParam('weight', tf.ones([size]), { weightDecay: false, group: 'norm' }); // [size]
    this.bias = this.addParam('bias', tf.zeros([size]), { weightDecay: false, group: 'norm' }); // [size]
  }

  /** @param x `[..., size]` → `[..., size]`. */
  forward<T extends tf.Tensor>(x: T): T {
    const last = x.shape[x.rank - 1];
    if (last !== this.size) {
      throw new Error(
        `LayerNorm.forward: x must have last dimension ${this.size}, got shape [${x.shape.join(', ')}]`,
      );
    }
    return fusedLayerNorm(x, this.weight, this.bias, this.eps); // [..., size]
  }
}

/**
 * Validates an integer >= 1; returns it.
 * @example
 * checkPositiveInt('MyLayer', 'hiddenSize', 768); // 768
 */
export function checkPositiveInt(where: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${where}: ${field} must be an integer >= 1, got ${String(v)}`);
  }
  return v;
}
