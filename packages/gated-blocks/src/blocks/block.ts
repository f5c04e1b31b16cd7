import type * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../module/context.js';
import { Module } from '../module/module.js';
import type { RoutingLayer } from '../routing/routing-layer.js';

/** The two block architectures of the paper. */
export type BlockArchitecture = 'gated' | 'stack';

/**
 * A residual block: h [B, L, H] → [B, L, H]. Both architectures ({@link GatedBlock}, {@link StackBlock}) hold a
 * routing layer under the child name `routing`.
 */
export abstract class Block extends Module {
  abstract readonly architecture: BlockArchitecture;
  abstract readonly routing: RoutingLayer;
  /**
   * @param h `[B, L, H]` block input (residual stream).
   * @param mask `[B, L]` 1 = real token, 0 = padding, or null; passed to the routing layer (which may ignore it).
   * @returns `[B, L, H]`.
   */
  abstract forward(h: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D;
}
