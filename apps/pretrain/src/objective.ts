import { ForwardContext } from '@bigs/gated-blocks';
import type { BiGSForMaskedLM } from '@bigs/models';
import { MlmEvalAccumulator, maskedLmStats } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { maskedLabelsOf, type PretrainBatch, type prepareData } from './data.js';

type PreparedData = Awaited<ReturnType<typeof prepareData>>;

/** The masked-LM training loss of a batch (the Trainer's `lossFn`). */
export function mlmLoss(model: BiGSForMaskedLM) {
  return (b: PretrainBatch, ctx: ForwardContext): { loss: tf.Scalar } => {
    const d = b.data;
    const B = d.batchSize;
    const P = d.maxPredictions;
    const out = model.forward(
      {
        inputIds: tf.tensor2d(d.inputIds, [B, d.seqLength], 'int32'), // [B, L]
        attentionMask: tf.tensor2d(d.attentionMask, [B, d.seqLength], 'int32'), // [B, L]
        tokenTypeIds: tf.tensor2d(d.tokenTypeIds, [B, d.seqLength], 'int32'), // [B, L]
        maskedPositions: tf.tensor2d(d.maskedPositions, [B, P], 'int32'), // [B, P]
        maskedLabels: tf.tensor2d(b.maskedLabels, [B, P], 'int32'), // [B, P]
      },
      { ctx },
    );
    return { loss: out.loss as tf.Scalar };
  };
}

/** Held-out MLM loss, accuracy and perplexity (the Trainer's `evaluate`), or undefined without eval data. */
export function mlmEvaluate(model: BiGSForMaskedLM, data: PreparedData) {
  const batches = data.evalBatches;
  if (!batches) return undefined;
  const V = model.config.vocabSize;
  return async () => {
    const acc = new MlmEvalAccumulator();
    for (const d of batches()) {
      const B = d.batchSize;
      const P = d.maxPredictions;
      const labels = maskedLabelsOf(d);
      const weights = new Float32Array(B * P);
      for (let r = 0; r < B; r++) weights.fill(1, r * P, r * P + (d.numPredictions[r] as number));
      const [logits, lab, w] = tf.tidy(() => {
        const o = model.forward(
          {
            inputIds: tf.tensor2d(d.inputIds, [B, d.seqLength], 'int32'), // [B, L]
            attentionMask: tf.tensor2d(d.attentionMask, [B, d.seqLength], 'int32'), // [B, L]
            tokenTypeIds: tf.tensor2d(d.tokenTypeIds, [B, d.seqLength], 'int32'), // [B, L]
            maskedPositions: tf.tensor2d(d.maskedPositions, [B, P], 'int32'), // [B, P]
          },
          { ctx: ForwardContext.eval() },
        );
        return [
          tf.reshape(o.logits, [B * P, V]) as tf.Tensor2D, // [B·P, V]
          tf.tensor1d(labels, 'int32'), // [B·P]
          tf.tensor1d(weights), // [B·P]
        ] as const;
      });
      acc.add(await maskedLmStats(logits, lab, w));
      tf.dispose([logits, lab, w]);
    }
    return acc.result();
  };
}
