import * as tf from '@tensorflow/tfjs';

/** Sums over the predicted positions of one batch (host numbers). */
export interface MlmBatchStats {
  /** Σ cross-entropy over predicted positions (nats). */
  lossSum: number;
  /** Number of predicted positions whose arg-max equals the label. */
  correct: number;
  /** Number of predicted positions (Σ weights). */
  count: number;
}

/**
 * Masked-LM statistics of one batch: summed cross-entropy, correct arg-max predictions and count, over positions
 * with weight 1. Labels at weight-0 positions may be anything (e.g. −1 or −100; they are clamped before use).
 *
 * @param logits [N, V] scores at the N candidate positions
 * @param labels [N] int32 target ids
 * @param weights [N] 1 where the position is predicted, else 0
 * @example
 * await maskedLmStats(logits, labels, weights); // { lossSum: 23.1, correct: 3, count: 10 }
 */
export async function maskedLmStats(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  weights: tf.Tensor1D,
): Promise<MlmBatchStats> {
  const [n, v] = logits.shape;
  if (labels.shape[0] !== n || weights.shape[0] !== n) {
    throw new Error(
      `maskedLmStats: logits [${n}, ${v}] need labels and weights of length ${n}, got ${labels.shape[0]} and ${weights.shape[0]}`,
    );
  }
  const packed = tf.tidy(() => {
    const w = tf.cast(weights, 'float32'); // [N]
    const safe = tf.clipByValue(tf.cast(labels, 'int32'), 0, v - 1); // [N]
    const logp = tf.logSoftmax(logits); // [N, V]
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(safe, v)), -1)); // [N]
    const hit = tf.cast(tf.equal(tf.argMax(logits, -1), safe), 'float32'); // [N]
    return tf.stack([tf.sum(tf.mul(nll, w)), tf.sum(tf.mul(hit, w)), tf.sum(w)]); // [3]
  });
  const [lossSum, correct, count] = Array.from(await packed.data());
  packed.dispose();
  return { lossSum: lossSum!, correct: correct!, count: count! };
}

/** exp(mean loss), the perplexity of a mean cross-entropy in nats. */
export function perplexity(meanLoss: number): number {
  return Math.exp(meanLoss);
}

/**
 * Accumulates {@link MlmBatchStats} over an evaluation set; `result()` gives token-weighted means.
 *
 * @example
 * const acc = new MlmEvalAccumulator();
 * acc.add(await maskedLmStats(logits, labels, weights));
 * acc.result(); // { loss: 2.31, accuracy: 0.52, perplexity: 10.07 }
 */
export class MlmEvalAccumulator {
  private lossSum = 0;
  private correct = 0;
  private count = 0;

  add(stats: MlmBatchStats): void {
    this.lossSum += stats.lossSum;
    this.correct += stats.correct;
    this.count += stats.count;
  }

  result(): { loss: number; accuracy: number; perplexity: number } {
    if (this.count === 0) throw new Error('MlmEvalAccumulator.result: no predicted positions were added');
    const loss = this.lossSum / this.count;
    return { loss, accuracy: this.correct / this.count, perplexity: perplexity(loss) };
  }
}
