import type { BiGSForSequenceClassification } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';

/**
 * A host copy of a model's parameters, taken at the best evaluation so that the run can end with the best-of-run
 * model (HF `load_best_model_at_end`): the model that is saved and predicts the test splits is the one whose
 * score the run reports.
 *
 * @example
 * const best = WeightSnapshot.of(model); // at a new best evaluation
 * best.restore(model); // after training
 */
export class WeightSnapshot {
  private constructor(
    private readonly values: ReadonlyMap<string, { data: tf.TypedArray; shape: number[] }>,
  ) {}

  /** Copy every parameter of `model` to host memory. */
  static of(model: BiGSForSequenceClassification): WeightSnapshot {
    const values = new Map<string, { data: tf.TypedArray; shape: number[] }>();
    for (const [name, p] of model.namedParameters()) {
      values.set(name, {
        data: (p.variable.dataSync() as tf.TypedArray).slice(),
        shape: [...p.variable.shape],
      });
    }
    return new WeightSnapshot(values);
  }

  /** Write the copied values back into `model` (same architecture). */
  restore(model: BiGSForSequenceClassification): void {
    for (const [name, p] of model.namedParameters()) {
      const v = this.values.get(name);
      if (!v) throw new Error(`WeightSnapshot: no saved value for parameter ${name}`);
      const t = tf.tensor(v.data, v.shape, p.variable.dtype);
      p.variable.assign(t);
      t.dispose();
    }
  }
}
