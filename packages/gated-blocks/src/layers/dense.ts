import { dense } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { Module } from '../module/module.js';
import { checkPositiveInt } from './layer-norm.js';

/** Options of {@link Dense}. */
export interface DenseOptions {
  inFeatures: number;
  outFeatures: number;
  /** Std of the normal init of `kernel` (config `initializer_range`); default 0.02. */
  initializerRange?: number;
  /** Seed of the kernel init (deterministic); default 0. */
  seed?: number;
  /** Learn a bias (init 0); default true. */
  useBias?: boolean;
}

/**
 * Position-wise affine map y = x·kernel + bias over the last axis (Flax `nn.Dense` layout).
 *
 * Parameters: `kernel` [in, out] ~ normal(0, initializerRange), weight-decayed; `bias` [out] = 0, not decayed.
 * The forward reshapes to one plain 2-D `matMul` (the `dense` op of `@bigs/ssm-kernels`, whose gradient also
 * stays on 2-D untransposed matmuls — the fast path on wasm).
 *
 * @example
 * const d = new Dense({ inFeatures: 8, outFeatures: 16, seed: 1 });
 * d.forward(tf.zeros([2, 5, 8])); // [2, 5, 16]
 */
export class Dense extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(options: DenseOptions) {
    super();
    const { inFeatures, outFeatures, initializerRange = 0.02, seed = 0, useBias = true } = options;
    checkPositiveInt('Dense', 'inFeatures', inFeatures);
    checkPositiveInt('Dense', 'outFeatures', outFeatures);
    if (
      typeof initializerRange !== 'number' ||
      !(initializerRange >= 0) ||
      !Number.isFinite(initializerRange)
    ) {
      throw new Error(
        `Dense: initializerRange must be a finite number >= 0, got ${String(initializerRange)}`,
      );
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const init = tf.randomNormal([inFeatures, outFeatures], 0, initializerRange, 'float32', seed >>> 0); // [in, out]
    this.kernel = this.addParam('kernel', init, { weightDecay: true });
    this.bias = useBias ? this.addParam('bias', tf.zeros([outFeatures]), { weightDecay: false }) : null; // [out]
  }

  /** @param x `[..., in]` → `[..., out]`. */
  forward<R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(
        `Dense.forward: x must have last dimension ${this.inFeatures}, got shape [${x.shape.join(', ')}]`,
      );
    }
    return dense(x, this.kernel, this.bias ?? undefined); // [..., out]
  }
}
