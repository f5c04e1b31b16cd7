import type { ConvStrategy } from '@bigs/ssm-kernels';
import type * as tf from '@tensorflow/tfjs';
import type { GeluKind } from '../layers/activations.js';
import type { ForwardContext } from '../module/context.js';
import { Module } from '../module/module.js';

/** Static description of a routing layer (what a block or a model may ask about it). */
export interface RoutingLayerInfo {
  /** Registry name, e.g. `bissm`, `attention`. */
  readonly name: string;
  /** Whether `forward` reads the padding mask. `bissm` does not (docs/guide/architecture.md#length-and-padding); `attention` does. */
  readonly usesMask: boolean;
  /** One line for docs and error messages. */
  readonly description?: string;
}

/**
 * Options every routing factory receives. A block fills the common fields from its own options; anything layer-
 * specific comes through `createBlock({ routingOptions })` and lands here as extra keys.
 */
export interface RoutingLayerOptions {
  /** Width H of the residual stream; the layer maps [B, L, H] → [B, L, H]. */
  hiddenSize: number;
  /** Seed of the layer's parameter init; default 0. */
  seed?: number;
  /** Std of the normal init of dense kernels; default 0.02. */
  initializerRange?: number;
  /** `bissm`: number of complex SSM modes N (config `num_ssm`); default 64. */
  numSsm?: number;
  /** `bissm`: A_im init (`hippo` = released models); default 'hippo'. */
  scaling?: 'hippo' | 'inv' | 'lin';
  /** `bissm`: GELU after du_forward / du_backward; 'tanh' = Flax (default), 'erf' = PyTorch port. */
  blockGelu?: GeluKind;
  /** `bissm`: long-convolution strategy passed to `longConv`; default 'auto'. */
  convStrategy?: ConvStrategy;
  /** `attention`: number of heads (must divide hiddenSize); default 1. */
  numAttentionHeads?: number;
  /** `attention`: dropout on attention probabilities while training; default 0. */
  attentionDropoutProb?: number;
  /** Layer-specific extras. */
  [extra: string]: unknown;
}

/**
 * The token-mixing ("routing") part of a block: a {@link Module} mapping x [B, L, H] → [B, L, H], optionally
 * reading the padding mask [B, L] (1 = real token, 0 = padding). Everything else of a block (norms, gates, FFN,
 * residuals) lives in the block, so any routing layer plugs into both the GATED and the STACK architecture.
 *
 * Contract:
 * - `forward` must not change the shape, must be differentiable w.r.t. `x` and its own parameters on every
 *   backend the library supports (see the wasm rules in CONTRIBUTING.md), and must not leak tensors
 *   (wrap it in `tf.tidy`).
 * - Randomness (dropout) only when `ctx.training`, seeded by `ctx.nextSeed()`.
 * - Parameters are registered with `addParam` / `addChild`, so they get stable dotted names and optimizer metadata.
 *
 * @example
 * const r = createRoutingLayer('bissm', { hiddenSize: 8, numSsm: 4 });
 * r.forward(tf.zeros([2, 5, 8]), null, ForwardContext.eval()); // [2, 5, 8]
 */
export abstract class RoutingLayer extends Module {
  /** Static description (name, whether the mask is used). */
  abstract readonly info: RoutingLayerInfo;

  /**
   * @param x `[B, L, H]` (in a pre-norm block: the normalised block input).
   * @param mask `[B, L]` 1 = real token, 0 = padding; or null (no padding).
   * @returns `[B, L, H]`.
   */
  abstract forward(x: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D;
}

/**
 * Throws unless x is [B, L, H] with the expected H and mask (if any) is [B, L]. Returns [B, L, H].
 * @example
 * checkRoutingInputs('fnet.forward', tf.zeros([2, 5, 8]), null, 8); // [2, 5, 8]
 */
export function checkRoutingInputs(
  where: string,
  x: tf.Tensor,
  mask: tf.Tensor | null,
  hiddenSize: number,
): [number, number, number] {
  if (x.rank !== 3 || x.shape[2] !== hiddenSize) {
    throw new Error(`${where}: x must have shape [B, L, ${hiddenSize}], got [${x.shape.join(', ')}]`);
  }
  const [b, l] = x.shape as [number, number, number];
  if (
    mask !== null &&
    mask !== undefined &&
    (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== l)
  ) {
    throw new Error(
      `${where}: mask must have shape [${b}, ${l}] (like x's [B, L]), got [${mask.shape.join(', ')}]`,
    );
  }
  return [b, l, hiddenSize];
}
