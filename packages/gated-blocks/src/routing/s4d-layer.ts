import {
  type BiGSScaling,
  bigsKernel,
  type ConvDirection,
  type ConvStrategy,
  initBiGSSSM,
  longConv,
} from '@bigs/ssm-kernels';
import type * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../layers/layer-norm.js';
import { Module, type ParamMeta } from '../module/module.js';

/** Options of {@link S4DLayer}. */
export interface S4DLayerOptions {
  /** Number of complex modes N (config `num_ssm`; 64 in the released models). */
  numSsm: number;
  /** A_im init; 'hippo' (default, the released models), 'inv' or 'lin'. */
  scaling?: BiGSScaling;
  /** Init seed (C and log_step draws); default 0. */
  seed?: number;
  /** Long-convolution strategy; default 'auto'. */
  convStrategy?: ConvStrategy;
}

/** Optimizer metadata of every SSM parameter: weight-decayed, full learning rate (docs/guide/architecture.md#ssm-parameters), group `ssm`. */
export const SSM_PARAM_META: ParamMeta = Object.freeze({ weightDecay: true, group: 'ssm' });

/**
 * One direction of the BiGS SSM (official Flax `S4dLayer`): a single ZOH S4D kernel of N complex modes **shared by
 * every channel**, plus a scalar skip D: y = conv(u, K) + D·u.
 *
 * Parameters (names as in the official checkpoints): `A_re` [N], `A_im` [N], `C` [N, 2], `D` [1], `log_step` [1];
 * init per docs/guide/architecture.md#ssm-parameters (`initBiGSSSM`). All are weight-decayed (group `ssm`), as in the official training scripts.
 * The kernel length is the input length L (PyTorch-port semantics; the Flax L = max_position_embeddings rule is
 * enforced by the model, not here).
 *
 * @example
 * const s = new S4DLayer({ numSsm: 4, seed: 0 });
 * s.forward(tf.randomNormal([2, 7, 8]) as tf.Tensor3D, 'causal'); // [2, 7, 8]
 */
export class S4DLayer extends Module {
  readonly numSsm: number;
  readonly convStrategy: ConvStrategy;
  readonly aRe: tf.Variable;
  readonly aIm: tf.Variable;
  readonly c: tf.Variable;
  readonly d: tf.Variable;
  readonly logStep: tf.Variable;

  constructor(options: S4DLayerOptions) {
    super();
    const { numSsm, scaling = 'hippo', seed = 0, convStrategy = 'auto' } = options;
    checkPositiveInt('S4DLayer', 'numSsm', numSsm);
    this.numSsm = numSsm;
    this.convStrategy = convStrategy;
    const p = initBiGSSSM(numSsm, { scaling, seed });
    const host = (a: { values: Float32Array | Float64Array; shape: readonly number[] }) => ({
      values: Float32Array.from(a.values),
      shape: a.shape.slice(),
    });
    this.aRe = this.addParam('A_re', host(p.aRe), SSM_PARAM_META); // [N]
    this.aIm = this.addParam('A_im', host(p.aIm), SSM_PARAM_META); // [N]
    this.c = this.addParam('C', host(p.c), SSM_PARAM_META); // [N, 2]
    this.d = this.addParam('D', host(p.d), SSM_PARAM_META); // [1]
    this.logStep = this.addParam('log_step', host(p.logStep), SSM_PARAM_META); // [1]
  }

  /**
   * The shared kernel K [length].
   * @example
   * new S4DLayer({ numSsm: 4 }).kernel(9); // [9]
   */
  kernel(length: number): tf.Tensor1D {
    return bigsKernel({ aRe: this.aRe, aIm: this.aIm, c: this.c, d: this.d, logStep: this.logStep }, length); // [L]
  }

  /**
   * y = conv(u, K) + D·u over the length axis, K of length L shared by all H channels.
   * `anticausal` computes flip∘causal∘flip without flipping (used by the backward branch of `bissm`).
   * @param u `[B, L, H]` → `[B, L, H]`.
   */
  forward(u: tf.Tensor3D, direction: ConvDirection = 'causal'): tf.Tensor3D {
    if (u.rank !== 3) throw new Error(`S4DLayer.forward: u must be [B, L, H], got [${u.shape.join(', ')}]`);
    const length = u.shape[1];
    const k = this.kernel(length); // [L]
    try {
      return longConv(u, k, this.d, { direction, strategy: this.convStrategy }); // [B, L, H]
    } finally {
      k.dispose();
    }
  }
}
