import { type Block, createBlock, type ForwardContext, Module, mix32 } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig } from '../config/config.js';
import { ModuleList } from './modules.js';

/** The block options a config implies (the 2×2 of the paper plus the Flax / PyTorch-port switches). */
export function blockOptionsFromConfig(config: BiGSConfig, seed: number) {
  return {
    architecture: config.blockArchitecture,
    routing: config.routing,
    hiddenSize: config.hiddenSize,
    intermediateSize: config.intermediateSize,
    numSsm: config.numSsm,
    scaling: config.scaling,
    blockGelu: config.blockGelu,
    ffnActivation: config.blockGelu === 'erf' ? ('gelu' as const) : ('gelu_tanh' as const),
    preNorm: config.preNorm,
    layerNormEps: config.layerNormEps,
    hiddenDropoutProb: config.hiddenDropoutProb,
    numAttentionHeads: config.numAttentionHeads,
    attentionDropoutProb: config.attentionProbsDropoutProb,
    convStrategy: config.convStrategy,
    initializerRange: config.initializerRange,
    seed,
  };
}

/**
 * The encoder: `numHiddenLayers` blocks from `createBlock` (children `layer.0`, `layer.1`, …), no final LayerNorm
 * (docs/guide/architecture.md#encoder-and-heads). Returns the last hidden state and, on request, every hidden state (embeddings + one per layer).
 *
 * @example
 * const enc = new BiGSEncoder(createConfig(TINY));
 * enc.forward(tf.zeros([2, 5, 8]), null, ForwardContext.eval(), true).hiddenStates?.length; // 3
 */
export class BiGSEncoder extends Module {
  readonly layer: ModuleList<Block>;

  constructor(config: BiGSConfig, seed = 0) {
    super();
    const blocks: Block[] = [];
    for (let i = 0; i < config.numHiddenLayers; i++) {
      blocks.push(createBlock(blockOptionsFromConfig(config, mix32(seed, i + 1))));
    }
    this.layer = this.addChild('layer', new ModuleList(blocks));
  }

  /**
   * @param h `[B, L, H]` embeddings; `mask` `[B, L]` (only attention routing reads it) or null.
   * @returns lastHiddenState `[B, L, H]`; hiddenStates (numHiddenLayers + 1) × `[B, L, H]` when asked.
   */
  forward(
    h: tf.Tensor3D,
    mask: tf.Tensor2D | null,
    ctx: ForwardContext,
    outputHiddenStates = false,
  ): { lastHiddenState: tf.Tensor3D; hiddenStates?: tf.Tensor3D[] } {
    return tf.tidy(() => {
      const all: tf.Tensor3D[] = [h];
      let x = h;
      for (const block of this.layer.items) {
        x = block.forward(x, mask, ctx); // [B, L, H]
        if (outputHiddenStates) all.push(x);
      }
      return outputHiddenStates ? { lastHiddenState: x, hiddenStates: all } : { lastHiddenState: x };
    });
  }
}
