import type { BiGSForSequenceClassification } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { type EncodedExample, makeBatch } from './encode.js';

/** Logits of the model over `rows`, in eval batches: `[N, C]` row-major. */
export function predictLogits(
  model: BiGSForSequenceClassification,
  rows: readonly EncodedExample[],
  batchSize: number,
  batchOptions: { length: number | null; padId: number; regression: boolean },
): Float32Array {
  const c = model.config.numLabels;
  const out = new Float32Array(rows.length * c);
  for (let start = 0; start < rows.length; start += batchSize) {
    const part = rows.slice(start, start + batchSize).map((r) => ({ ...r, label: null }));
    const b = makeBatch(part, batchOptions);
    const logits = tf.tidy(() => {
      const shape: [number, number] = [b.size, b.length];
      return model.forward({
        inputIds: tf.tensor2d(b.ids, shape, 'int32'),
        attentionMask: tf.tensor2d(b.mask, shape, 'int32'),
        tokenTypeIds: tf.tensor2d(b.types, shape, 'int32'),
      }).logits; // [B, C]
    });
    out.set(logits.dataSync() as Float32Array, start * c);
    logits.dispose();
  }
  return out;
}

/** Class ids (argmax) or regression outputs from logits `[N, C]`. */
export function toPredictions(logits: Float32Array, c: number, regression: boolean): Float64Array {
  const n = logits.length / c;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (regression) {
      p[i] = logits[i * c]!;
      continue;
    }
    let best = 0;
    for (let j = 1; j < c; j++) if (logits[i * c + j]! > logits[i * c + best]!) best = j;
    p[i] = best;
  }
  return p;
}

/** Mean loss on host: softmax cross-entropy, or MSE for regression (as the training loss). */
export function hostLoss(
  logits: Float32Array,
  c: number,
  labels: ArrayLike<number>,
  regression: boolean,
): number {
  const n = labels.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (regression) {
      const d = logits[i * c]! - labels[i]!;
      s += d * d;
      continue;
    }
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits[i * c + j]!);
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(logits[i * c + j]! - m);
    s += m + Math.log(z) - logits[i * c + labels[i]!]!;
  }
  return s / n;
}
