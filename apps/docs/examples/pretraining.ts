/**
 * Pretraining (what exists today): the @bigs/trainer loop on a tiny BiGS masked-LM with an in-memory batch source.
 * Real runs feed batches from @bigs/data's MlmBatchLoader the same way (see guide/data.md).
 * Included in guide/pretraining.md; type-checked and run by test/examples.test.ts.
 */
// #region usage
import { BiGSForMaskedLM, createConfig, TINY } from '@bigs/models';
import { type Batch, type BatchSource, PRETRAIN_ADAMW, train } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';

interface MlmTensors extends Batch {
  inputIds: Int32Array; // [B·L]
  labels: Int32Array; // [B·L], −100 = not a target
}

/** A resumable source of B = 2, L = 8 random MLM batches (the cursor is the batch index). */
function randomBatches(count: number, vocab: number): BatchSource<MlmTensors> {
  let i = 0;
  return {
    async next() {
      if (i >= count) return null;
      i++;
      const inputIds = Int32Array.from({ length: 16 }, (_, j) => (i * 7 + j * 3) % vocab);
      const labels = inputIds.map((id, j) => (j % 4 === 1 ? id : -100));
      return { numTokens: 16, inputIds, labels };
    },
    getCursor: () => i,
    setCursor: (c) => {
      i = c as number;
    },
  };
}

export async function pretrainTiny() {
  const model = new BiGSForMaskedLM(createConfig({ ...TINY, hiddenDropoutProb: 0 }), { seed: 0 });
  const result = await train<MlmTensors>({
    model,
    trainData: randomBatches(100, TINY.vocabSize!),
    lossFn: (b, ctx) => {
      const out = model.forward(
        {
          inputIds: tf.tensor2d(b.inputIds, [2, 8], 'int32'), // [B, L]
          labels: tf.tensor2d(b.labels, [2, 8], 'int32'), // [B, L]
        },
        { ctx },
      );
      return { loss: out.loss! };
    },
    optimizer: { ...PRETRAIN_ADAMW },
    schedule: { kind: 'linear', peakLearningRate: 1e-3, warmupSteps: 1 },
    maxSteps: 3,
    progress: 'none',
    handleSignals: false,
  });
  model.dispose();
  return result; // { globalStep: 3, stopReason: 'max_steps', lastCheckpoint: null, best: null }
}
// #endregion usage
