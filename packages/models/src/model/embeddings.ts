import { dropout, type ForwardContext, LayerNorm, Module, mix32 } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig } from '../config/config.js';
import { Embedding } from './modules.js';

/**
 * BERT embeddings (docs/guide/architecture.md#embeddings): word + token type + position (absolute), LayerNorm, dropout.
 * Children mirror the torch port: `word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`.
 *
 * @example
 * const e = new BiGSEmbeddings(createConfig(TINY));
 * e.forward(tf.zeros([2, 5], 'int32'), null, null, ForwardContext.eval()); // [2, 5, 8]
 */
export class BiGSEmbeddings extends Module {
  readonly config: BiGSConfig;
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;

  constructor(config: BiGSConfig, seed = 0) {
    super();
    this.config = config;
    const { hiddenSize: dim, initializerRange: std } = config;
    this.wordEmbeddings = this.addChild(
      'word_embeddings',
      new Embedding({ num: config.vocabSize, dim, std, seed: mix32(seed, 1) }),
    );
    this.positionEmbeddings = this.addChild(
      'position_embeddings',
      new Embedding({ num: config.maxPositionEmbeddings, dim, std, seed: mix32(seed, 2) }),
    );
    this.tokenTypeEmbeddings = this.addChild(
      'token_type_embeddings',
      new Embedding({ num: config.typeVocabSize, dim, std, seed: mix32(seed, 3) }),
    );
    this.layerNorm = this.addChild('LayerNorm', new LayerNorm({ size: dim, eps: config.layerNormEps }));
  }

  /**
   * @param inputIds `[B, L]` int32
   * @param tokenTypeIds `[B, L]` int32 or null (zeros)
   * @param positionIds `[B, L]` int32 or null (0..L−1)
   * @returns `[B, L, H]`
   */
  forward(
    inputIds: tf.Tensor2D,
    tokenTypeIds: tf.Tensor2D | null,
    positionIds: tf.Tensor2D | null,
    ctx: ForwardContext,
  ): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, l] = inputIds.shape;
      let e = tf.add(
        this.wordEmbeddings.forward(inputIds),
        tokenTypeIds // [B, L, H]
          ? this.tokenTypeEmbeddings.forward(tokenTypeIds)
          : tf.reshape(tf.slice(this.tokenTypeEmbeddings.weight, [0, 0], [1, -1]), [1, 1, -1]),
      );
      if (this.config.positionEmbeddingType === 'absolute') {
        const pos = positionIds
          ? this.positionEmbeddings.forward(positionIds) // [B, L, H]
          : tf.expandDims(tf.slice(this.positionEmbeddings.weight, [0, 0], [l, -1]), 0); // [1, L, H]
        e = tf.add(e, pos); // [B, L, H]
      }
      const out = dropout(this.layerNorm.forward(e), this.config.hiddenDropoutProb, ctx); // [B, L, H]
      return tf.reshape(out, [b, l, this.config.hiddenSize]) as tf.Tensor3D;
    });
  }
}
