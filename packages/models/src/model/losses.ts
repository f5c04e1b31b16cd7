import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy over the rows whose label is a valid class (0 ≤ label < C); rows labelled −100, −1 or
 * ≥ C are ignored (HF `ignore_index`). Returns 0 when no row is labelled (HF would return NaN). Validity is computed
 * with `tf.step` on the (untraced) labels, and the picked log-probabilities with a flat `tf.gather`, so the gradient
 * works on every backend.
 *
 * @param logits `[N, C]`; @param labels `[N]` int32
 * @returns scalar
 * @example
 * crossEntropyIgnore(tf.zeros([4, 3]), tf.tensor1d([0, -100, 2, 1], 'int32')); // [] ≈ log 3
 */
export function crossEntropyIgnore(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [n, c] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new Error(`crossEntropyIgnore: labels must have shape [${n}], got [${labels.shape}]`);
  }
  return tf.tidy(() => {
    const lf = tf.cast(labels, 'float32'); // [N]
    const valid = tf.mul(tf.step(tf.add(lf, 0.5)), tf.step(tf.sub(c - 0.5, lf))); // [N] 1 = labelled
    const safe = tf.cast(tf.mul(lf, valid), 'int32'); // [N] in [0, C)
    const flatIdx = tf.add(tf.range(0, n * c, c, 'int32'), safe); // [N]
    const logp = tf.logSoftmax(logits); // [N, C]
    const picked = tf.gather(tf.reshape(logp, [n * c]), flatIdx); // [N]
    const count = tf.maximum(tf.sum(valid), 1); // []
    return tf.div(tf.neg(tf.sum(tf.mul(picked, valid))), count) as tf.Scalar;
  });
}

/**
 * Mean squared error (HF regression loss).
 * @example
 * mseLoss(tf.tensor1d([1, 2]), tf.tensor1d([1, 4])); // [] = 2
 */
export function mseLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (pred.size !== target.size) {
    throw new Error(
      `mseLoss: labels must have ${pred.size} values (shape [${pred.shape}]), got [${target.shape}]`,
    );
  }
  return tf.tidy(
    () => tf.mean(tf.square(tf.sub(pred, tf.reshape(tf.cast(target, 'float32'), pred.shape)))) as tf.Scalar,
  );
}

/**
 * Mean binary cross-entropy with logits (HF multi-label loss), numerically stable:
 * relu(x) − x·y + softplus(−|x|).
 * @example
 * bceWithLogits(tf.zeros([2, 3]), tf.ones([2, 3])); // [] = log 2
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (logits.size !== targets.size) {
    throw new Error(`bceWithLogits: labels must have shape [${logits.shape}], got [${targets.shape}]`);
  }
  return tf.tidy(() => {
    const y = tf.reshape(tf.cast(targets, 'float32'), logits.shape);
    return tf.mean(
      tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.softplus(tf.neg(tf.abs(logits)))),
    ) as tf.Scalar;
  });
}
