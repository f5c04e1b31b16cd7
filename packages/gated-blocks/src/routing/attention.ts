import { mix32 } from '@bigs/common';
import * as tf from '@tensorflow/tfjs';
import { Dense } from '../layers/dense.js';
import { checkProb, dropout } from '../layers/dropout.js';
import { checkPositiveInt } from '../layers/layer-norm.js';
import type { ForwardContext } from '../module/context.js';
import {
  checkRoutingInputs,
  RoutingLayer,
  type RoutingLayerInfo,
  type RoutingLayerOptions,
} from './routing-layer.js';

/** Additive bias on the scores of padded keys (BERT's value): exp(−1e4 + O(10)) underflows to exactly 0 in f32. */
export const ATTENTION_MASK_BIAS = -1e4;

/**
 * Multi-head scaled dot-product self-attention (BERT's `BertSelfAttention` + the output projection), honouring
 * the padding mask:
 *
 *   q, k, v = query(x), key(x), value(x)                    — [B, L, H], split into nh heads of dh = H/nh
 *   P = softmax(q·kᵀ/√dh + (1 − mask)·(−1e4))               — [B, nh, L, L], padded keys get weight 0
 *   out = output(merge(dropout(P)·v))                        — [B, L, H]
 *
 * The mask bias is built with arithmetic (no comparison), so gradients work everywhere; a row with no real key
 * (all padding) degrades to uniform weights instead of NaN. Projections are plain 2-D matmuls (`Dense`). The two
 * per-head products (scores and P·v) are batched matmuls over B·nh: on wasm they run on tfjs's slow (non-XNNPACK)
 * batched path, and their default gradient uses transposed matmuls — acceptable at L ≤ 512 and small heads, but
 * for speed on wasm prefer the cpu-heavy parts elsewhere (see docs/guide/architecture.md#wasm-engine).
 *
 * Children: `query`, `key`, `value`, `output` (Dense H→H).
 *
 * @example
 * const a = new AttentionRouting({ hiddenSize: 8, numAttentionHeads: 2 });
 * a.forward(tf.randomNormal([2, 5, 8]) as tf.Tensor3D, tf.ones([2, 5]) as tf.Tensor2D, ForwardContext.eval()); // [2, 5, 8]
 */
export class AttentionRouting extends RoutingLayer {
  static readonly INFO: RoutingLayerInfo = Object.freeze({
    name: 'attention',
    usesMask: true,
    description: 'multi-head scaled dot-product self-attention with a key padding mask',
  });
  readonly info = AttentionRouting.INFO;
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly headSize: number;
  readonly attentionDropoutProb: number;
  readonly query: Dense;
  readonly key: Dense;
  readonly value: Dense;
  readonly output: Dense;

  constructor(options: RoutingLayerOptions) {
    super();
    const hiddenSize = checkPositiveInt('attention', 'hiddenSize', options.hiddenSize);
    const numHeads = checkPositiveInt('attention', 'numAttentionHeads', options.numAttentionHeads ?? 1);
    if (hiddenSize % numHeads !== 0) {
      throw new Error(
        `attention: hiddenSize (${hiddenSize}) must be divisible by numAttentionHeads (${numHeads})`,
      );
    }
    this.attentionDropoutProb = checkProb(
      'attention',
      'attentionDropoutProb',
      options.attentionDropoutProb ?? 0,
    );
    this.hiddenSize = hiddenSize;
    this.numHeads = numHeads;
    this.headSize = hiddenSize / numHeads;
    const seed = options.seed ?? 0;
    const initializerRange = options.initializerRange ?? 0.02;
    const d = (name: string, i: number) =>
      this.addChild(
        name,
        new Dense({
          inFeatures: hiddenSize,
          outFeatures: hiddenSize,
          initializerRange,
          seed: mix32(seed, i),
        }),
      );
    this.query = d('query', 1);
    this.key = d('key', 2);
    this.value = d('value', 3);
    this.output = d('output', 4);
  }

  /** @param x `[B, L, H]`, mask `[B, L]` (1 = real) or null. @returns `[B, L, H]`. */
  forward(x: tf.Tensor3D, mask: tf.Tensor2D | null, ctx: ForwardContext): tf.Tensor3D {
    const [b, l, h] = checkRoutingInputs('attention.forward', x, mask, this.hiddenSize);
    const nh = this.numHeads;
    const dh = this.headSize;
    return tf.tidy(() => {
      // [B, L, H] → [B·nh, L, dh]
      const heads = (t: tf.Tensor3D) =>
        tf.reshape(tf.transpose(tf.reshape(t, [b, l, nh, dh]), [0, 2, 1, 3]), [b * nh, l, dh]) as tf.Tensor3D;
      const q = heads(tf.mul(this.query.forward(x), 1 / Math.sqrt(dh)) as tf.Tensor3D); // [B·nh, L, dh]
      const kT = tf.transpose(heads(this.key.forward(x)), [0, 2, 1]) as tf.Tensor3D; // [B·nh, dh, L]
      const v = heads(this.value.forward(x)); // [B·nh, L, dh]
      let scores = tf.reshape(tf.matMul(q, kT), [b, nh, l, l]) as tf.Tensor4D; // [B, nh, L, L]
      if (mask !== null) {
        const bias = tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, 'float32')), ATTENTION_MASK_BIAS), [
          b,
          1,
          1,
          l,
        ]); // [B, 1, 1, L]
        scores = tf.add(scores, bias); // [B, nh, L, L]
      }
      const probs = dropout(tf.softmax(scores, -1), this.attentionDropoutProb, ctx); // [B, nh, L, L]
      const ctxHeads = tf.matMul(tf.reshape(probs, [b * nh, l, l]) as tf.Tensor3D, v); // [B·nh, L, dh]
      const merged = tf.reshape(tf.transpose(tf.reshape(ctxHeads, [b, nh, l, dh]), [0, 2, 1, 3]), [b, l, h]); // [B, L, H]
      return this.output.forward(merged as tf.Tensor3D); // [B, L, H]
    });
  }
}
