import { mix32 } from '@bigs/common';
import * as tf from '@tensorflow/tfjs';
import { type ActivationName, activation } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { checkProb, dropout } from '../layers/dropout.js';
import { checkPositiveInt, LayerNorm } from '../layers/layer-norm.js';
import type { ForwardContext } from '../module/context.js';
import { createRoutingLayer } from '../routing/registry.js';
import type { RoutingLayer, RoutingLayerOptions } from '../routing/routing-layer.js';
import { Block } from './block.js';

/** Options of {@link StackBlock}. */
export interface StackBlockOptions {
  /** Registered routing name (`attention` = BERT, `bissm` = STACK/SSM, or your own). */
  routing: string;
  hiddenSize: number;
  intermediateSize: number;
  /** FFN activation; default 'gelu' (exact erf GELU, as BERT). */
  ffnActivation?: ActivationName;
  /** Post-norm (BERT) when false (default); pre-norm when true. */
  preNorm?: boolean;
  /** LayerNorm ε; default 1e-12. */
  layerNormEps?: number;
  /** Dropout on the routing and FFN outputs before each residual add (while training); default 0.1. */
  hiddenDropoutProb?: number;
  /** Std of the dense kernel init; default 0.02. */
  initializerRange?: number;
  /** Init seed; default 0. */
  seed?: number;
  /** Options for the routing factory (hiddenSize, seed and initializerRange are filled in). */
  routingOptions?: Partial<RoutingLayerOptions>;
}

/**
 * The STACK block of the paper (a transformer layer with a pluggable routing):
 *
 *   post-norm (BERT, default):  h = LN_a(x + drop(routing(x)));     out = LN_f(h + drop(output(act(intermediate(h)))))
 *   pre-norm (`preNorm: true`): h = x + drop(routing(LN_a(x)));     out = h + drop(output(act(intermediate(LN_f(h)))))
 *
 * With `routing: 'attention'` this is BERT's layer (BertAttention + BertIntermediate + BertOutput); with `bissm`
 * it is the paper's STACK/SSM. Children: `attention_norm`, `routing`, `ffn_norm`, `intermediate` (H→I), `output` (I→H).
 *
 * @example
 * const blk = new StackBlock({ routing: 'attention', hiddenSize: 8, intermediateSize: 16, routingOptions: { numAttentionHeads: 2 } });
 * blk.forward(tf.randomNormal([2, 5, 8]) as tf.Tensor3D, tf.ones([2, 5]) as tf.Tensor2D, ForwardContext.eval()); // [2, 5, 8]
 */
export class StackBlock extends Block {
  readonly architecture = 'stack' as const;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly preNorm: boolean;
  readonly hiddenDropoutProb: number;
  readonly ffnActivation: ActivationName;
  readonly attentionNorm: LayerNorm;
  readonly routing: RoutingLayer;
  readonly ffnNorm: LayerNorm;
  readonly intermediate: Dense;
  readonly output: Dense;
  private readonly act: <T extends tf.Tensor>(x: T) => T;

  constructor(options: StackBlockOptions) {
    super();
    const hiddenSize = checkPositiveInt('StackBlock', 'hiddenSize', options.hiddenSize);
    const intermediateSize = checkPositiveInt('StackBlock', 'intermediateSize', options.intermediateSize);
    this.hiddenSize = hiddenSize;
    this.intermediateSize = intermediateSize;
    this.preNorm = options.preNorm ?? false;
    this.hiddenDropoutProb = checkProb('StackBlock', 'hiddenDropoutProb', options.hiddenDropoutProb ?? 0.1);
    this.ffnActivation = options.ffnActivation ?? 'gelu';
    this.act = activation(this.ffnActivation);
    const seed = options.seed ?? 0;
    const initializerRange = options.initializerRange ?? 0.02;
    const eps = options.layerNormEps;
    this.attentionNorm = this.addChild('attention_norm', new LayerNorm({ size: hiddenSize, eps }));
    this.routing = this.addChild(
      'routing',
      createRoutingLayer(options.routing, {
        initializerRange,
        ...options.routingOptions,
        hiddenSize,
        seed: mix32(seed, 1),
      }),
    );
    this.ffnNorm = this.addChild('ffn_norm', new LayerNorm({ size: hiddenSize, eps }));
    this.intermediate = this.addChild(
      'intermediate',
      new Dense({
        inFeatures: hiddenSize,
        outFeatures: intermediateSize,
        initializerRange,
        seed: mix32(seed, 2),
      }),
    );
    this.output = this.addChild(
      'output',
      new Dense({
        inFeatures: intermediateSize,
        outFeatures: hiddenSize,
        initializerRange,
        seed: mix32(seed, 3),
      }),
    );
  }

  /** @param h `[B, L, H]`, mask `[B, L]` or null. @returns `[B, L, H]`. */
  forward(h: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D {
    if (h.rank !== 3 || h.shape[2] !== this.hiddenSize) {
      throw new Error(
        `StackBlock.forward: h must have shape [B, L, ${this.hiddenSize}], got [${h.shape.join(', ')}]`,
      );
    }
    const p = this.hiddenDropoutProb;
    return tf.tidy(() => {
      const ffn = (x: tf.Tensor3D) => this.output.forward(this.act(this.intermediate.forward(x))); // [B, L, H]
      if (this.preNorm) {
        const a = tf.add(h, dropout(this.routing.forward(this.attentionNorm.forward(h), mask, ctx), p, ctx)); // [B, L, H]
        return tf.add(a, dropout(ffn(this.ffnNorm.forward(a as tf.Tensor3D)), p, ctx)) as tf.Tensor3D; // [B, L, H]
      }
      const a = this.attentionNorm.forward(tf.add(h, dropout(this.routing.forward(h, mask, ctx), p, ctx))); // [B, L, H]
      return this.ffnNorm.forward(tf.add(a, dropout(ffn(a as tf.Tensor3D), p, ctx)) as tf.Tensor3D); // [B, L, H]
    });
  }
}
