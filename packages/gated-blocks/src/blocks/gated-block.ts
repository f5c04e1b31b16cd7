import { mix32 } from '@bigs/common';
import * as tf from '@tensorflow/tfjs';
import { checkGeluKind, type GeluKind, gelu } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { checkPositiveInt, LayerNorm } from '../layers/layer-norm.js';
import type { ForwardContext } from '../module/context.js';
import { createRoutingLayer } from '../routing/registry.js';
import type { RoutingLayer, RoutingLayerOptions } from '../routing/routing-layer.js';
import { Block } from './block.js';

/** Options of {@link GatedBlock}. */
export interface GatedBlockOptions {
  /** Registered routing name (`bissm` = BiGS, `attention`, or your own). */
  routing: string;
  hiddenSize: number;
  intermediateSize: number;
  /** GELU of the block (after dv and dol, and in `bissm` after du_*): 'tanh' = Flax (default), 'erf' = PyTorch port. */
  blockGelu?: GeluKind;
  /** h + F(LN(h)) when true (default; all released models), LN(h + F(h)) when false. */
  preNorm?: boolean;
  /** LayerNorm ε; default 1e-12. */
  layerNormEps?: number;
  /** Std of the dense kernel init; default 0.02. */
  initializerRange?: number;
  /** Init seed; default 0. */
  seed?: number;
  /** Options for the routing factory (hiddenSize, seed, initializerRange and blockGelu are filled in). */
  routingOptions?: Partial<RoutingLayerOptions>;
}

/**
 * The GATED block of the paper — with `routing: 'bissm'` exactly the BiGS layer (Flax `FlaxBiGSLayer`, docs/guide/architecture.md#bigs-block):
 *
 *   pre-norm:  out = h + F(LN(h))          post-norm (`preNorm: false`): out = LN(h + F(h))
 *   F(x) = do( gelu(dol(routing(x))) ⊙ gelu(dv(x)) )      — v = gelu(dv(x)) is the I-wide gate
 *
 * No dropout and no final LayerNorm (docs/guide/architecture.md#bigs-block). Children: `LayerNorm`, `dv` (H→I), `dol` (H→I), `do` (I→H),
 * `routing`.
 *
 * @example
 * const blk = new GatedBlock({ routing: 'bissm', hiddenSize: 8, intermediateSize: 16, routingOptions: { numSsm: 4 } });
 * blk.forward(tf.randomNormal([2, 9, 8]) as tf.Tensor3D, null, ForwardContext.eval()); // [2, 9, 8]
 */
export class GatedBlock extends Block {
  readonly architecture = 'gated' as const;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly blockGelu: GeluKind;
  readonly preNorm: boolean;
  readonly layerNorm: LayerNorm;
  readonly dv: Dense;
  readonly dol: Dense;
  readonly do: Dense;
  readonly routing: RoutingLayer;

  constructor(options: GatedBlockOptions) {
    super();
    const hiddenSize = checkPositiveInt('GatedBlock', 'hiddenSize', options.hiddenSize);
    const intermediateSize = checkPositiveInt('GatedBlock', 'intermediateSize', options.intermediateSize);
    this.blockGelu = checkGeluKind('GatedBlock', 'blockGelu', options.blockGelu ?? 'tanh');
    this.preNorm = options.preNorm ?? true;
    this.hiddenSize = hiddenSize;
    this.intermediateSize = intermediateSize;
    const seed = options.seed ?? 0;
    const initializerRange = options.initializerRange ?? 0.02;
    const dense = (i: number, inFeatures: number, outFeatures: number) =>
      new Dense({ inFeatures, outFeatures, initializerRange, seed: mix32(seed, i) });
    this.layerNorm = this.addChild(
      'LayerNorm',
      new LayerNorm({ size: hiddenSize, eps: options.layerNormEps }),
    );
    this.dv = this.addChild('dv', dense(1, hiddenSize, intermediateSize));
    this.dol = this.addChild('dol', dense(2, hiddenSize, intermediateSize));
    this.do = this.addChild('do', dense(3, intermediateSize, hiddenSize));
    this.routing = this.addChild(
      'routing',
      createRoutingLayer(options.routing, {
        blockGelu: this.blockGelu,
        initializerRange,
        ...options.routingOptions,
        hiddenSize,
        seed: mix32(seed, 4),
      }),
    );
  }

  /** @param h `[B, L, H]`, mask `[B, L]` or null. @returns `[B, L, H]`. */
  forward(h: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D {
    if (h.rank !== 3 || h.shape[2] !== this.hiddenSize) {
      throw new Error(
        `GatedBlock.forward: h must have shape [B, L, ${this.hiddenSize}], got [${h.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      if (this.preNorm) return tf.add(h, this.mix(this.layerNorm.forward(h), mask, ctx)) as tf.Tensor3D; // [B, L, H]
      return this.layerNorm.forward(tf.add(h, this.mix(h, mask, ctx)) as tf.Tensor3D); // [B, L, H]
    });
  }

  /** F(x) of the class doc: [B, L, H] → [B, L, H]. */
  private mix(x: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D {
    const v = gelu(this.dv.forward(x), this.blockGelu); // [B, L, I]
    const r = this.routing.forward(x, mask, ctx); // [B, L, H]
    const g = tf.mul(gelu(this.dol.forward(r), this.blockGelu), v) as tf.Tensor3D; // [B, L, I]
    return this.do.forward(g); // [B, L, H]
  }
}
