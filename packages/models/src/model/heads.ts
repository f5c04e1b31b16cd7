import { type ActivationName, activation, Dense, LayerNorm, Module, mix32 } from '@bigs/gated-blocks';
import { dense, matMulTakesTransposeFlags } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig } from '../config/config.js';
import { Container, lecunNormal } from './modules.js';

/** A Dense H→out whose kernel is Flax's default `lecun_normal` (used by the classifier-type heads, docs/guide/architecture.md#classification-heads). */
export function lecunDense(inFeatures: number, outFeatures: number, seed: number): Dense {
  const d = new Dense({ inFeatures, outFeatures, initializerRange: 0, seed });
  tf.tidy(() => d.kernel.assign(lecunNormal([inFeatures, outFeatures], seed))); // [in, out]
  return d;
}

/**
 * The pooling step of the {@link Pooler} (no dense, no tanh): `non_padding_mean` = mean over the tokens whose mask
 * is 1 (every token without a mask), `mean` = plain mean over all L positions, `first_token` = position 0.
 *
 * @example
 * poolHiddenStates(tf.ones([2, 5, 8]), tf.ones([2, 5]), 'non_padding_mean'); // [2, 8]
 */
export function poolHiddenStates(
  h: tf.Tensor3D,
  mask: tf.Tensor2D | null,
  poolerType: BiGSConfig['poolerType'],
): tf.Tensor2D {
  return tf.tidy(() => {
    switch (poolerType) {
      case 'mean':
        return tf.mean(h, 1) as tf.Tensor2D; // [B, H]
      case 'first_token':
        return tf.reshape(tf.slice(h, [0, 0, 0], [-1, 1, -1]), [h.shape[0], h.shape[2]]) as tf.Tensor2D; // [B, H]
      default: {
        if (!mask) return tf.mean(h, 1) as tf.Tensor2D; // [B, H] (no mask: every token is real)
        const m = tf.cast(mask, 'float32'); // [B, L]
        const summed = tf.sum(tf.mul(h, tf.expandDims(m, 2)), 1); // [B, H]
        return tf.div(summed, tf.expandDims(tf.sum(m, 1), 1)) as tf.Tensor2D; // [B, H]
      }
    }
  });
}

/**
 * Pooler (docs/guide/architecture.md#pooler): masked mean over non-pad tokens (`non_padding_mean`), plain mean (`mean`) or the first token
 * (`first_token`, HF BERT), then `dense` (normal(0, initializerRange)) and tanh. Child: `dense`.
 *
 * @example
 * new Pooler(createConfig(TINY)).forward(tf.ones([2, 5, 8]), tf.ones([2, 5])); // [2, 8]
 */
export class Pooler extends Module {
  readonly config: BiGSConfig;
  readonly dense: Dense;

  constructor(config: BiGSConfig, seed = 0) {
    super();
    this.config = config;
    this.dense = this.addChild(
      'dense',
      new Dense({
        inFeatures: config.hiddenSize,
        outFeatures: config.hiddenSize,
        initializerRange: config.initializerRange,
        seed,
      }),
    );
  }

  /** Pool only (no dense): `[B, L, H]`, mask `[B, L]` or null → `[B, H]`. */
  pool(h: tf.Tensor3D, mask: tf.Tensor2D | null): tf.Tensor2D {
    return poolHiddenStates(h, mask, this.config.poolerType);
  }

  /** `[B, L, H]`, mask `[B, L]` or null → `[B, H]`. */
  forward(h: tf.Tensor3D, mask: tf.Tensor2D | null): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(this.dense.forward(this.pool(h, mask)))); // [B, H]
  }
}

/**
 * MLM head (docs/guide/architecture.md#mlm-head), nested like the torch port: `predictions.transform.dense` (Flax lecun_normal),
 * `predictions.transform.LayerNorm`, `predictions.bias` [V], and — only when `tieWordEmbeddings` is false —
 * `predictions.decoder` (Dense H→V without bias). The transform activation is `hiddenAct` (`gelu` = erf GELU).
 *
 * @example
 * head.forward(tf.zeros([6, 8]), wordEmbeddings); // [6, V]
 */
export class MaskedLMHead extends Module {
  readonly transformDense: Dense;
  readonly transformNorm: LayerNorm;
  readonly bias: tf.Variable;
  readonly decoder: Dense | null;
  private readonly act: <T extends tf.Tensor>(x: T) => T;

  constructor(config: BiGSConfig, seed = 0) {
    super();
    const h = config.hiddenSize;
    const predictions = this.addChild('predictions', new Container());
    const transform = predictions.add('transform', new Container());
    this.transformDense = transform.add('dense', lecunDense(h, h, mix32(seed, 1)));
    this.transformNorm = transform.add('LayerNorm', new LayerNorm({ size: h, eps: config.layerNormEps }));
    this.bias = predictions.param('bias', tf.zeros([config.vocabSize]), { weightDecay: false }); // [V]
    this.decoder = config.tieWordEmbeddings
      ? null
      : predictions.add(
          'decoder',
          new Dense({
            inFeatures: h,
            outFeatures: config.vocabSize,
            useBias: false,
            initializerRange: config.initializerRange,
            seed: mix32(seed, 2),
          }),
        );
    this.act = activation(config.hiddenAct as ActivationName);
  }

  /** Transform only: `[N, H]` → `[N, H]`. */
  transform(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.transformNorm.forward(this.act(this.transformDense.forward(h)))); // [N, H]
  }

  /**
   * @param h `[N, H]` hidden states (gathered rows)
   * @param wordEmbeddings `[V, H]` the tied decoder (ignored when untied)
   * @returns logits `[N, V]`
   */
  forward(h: tf.Tensor2D, wordEmbeddings: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const z = this.transform(h); // [N, H]
      if (!this.decoder && matMulTakesTransposeFlags()) {
        // Tied decoder on an engine whose GEMM takes transpose flags: z·Eᵀ without copying the table.
        return tf.add(tf.matMul(z, wordEmbeddings, false, true), this.bias) as tf.Tensor2D; // [N, V]
      }
      // Tied decoder: explicit transpose of the [V, H] table so the matmul stays plain 2-D (wasm fast path).
      const w = this.decoder ? this.decoder.kernel : tf.transpose(wordEmbeddings); // [H, V]
      return dense(z, w, this.bias) as tf.Tensor2D; // [N, V]
    });
  }
}
