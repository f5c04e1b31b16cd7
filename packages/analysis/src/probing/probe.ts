import { createRng } from '@bigs/common';
import { dense } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link trainLinearProbe}. */
export interface ProbeTrainOptions {
  /** Passes over the training set (default 40). */
  epochs?: number;
  /** Adam learning rate (default 0.02). */
  learningRate?: number;
  /** L2 penalty λ·‖W‖² added to the mean cross-entropy (default 1e-3). */
  l2?: number;
  /** Mini-batch size (default 256; ≥ n = full batch). */
  batchSize?: number;
  /** Seed of the mini-batch order (weights start at zero, so the result is a pure function of the data and seed). */
  seed?: number;
}

/** A trained softmax-regression probe on standardised features. */
export interface LinearProbe {
  numFeatures: number;
  numClasses: number;
  /** Feature mean / std of the training set (features are standardised before W). [D] each */
  mean: Float32Array;
  std: Float32Array;
  /** [D, C] row-major */
  weights: Float32Array;
  /** [C] */
  bias: Float32Array;
  /** Final training loss (mean cross-entropy + L2). */
  finalLoss: number;
}

function checkData(where: string, x: Float32Array, y: Int32Array, d: number, numClasses: number): number {
  if (!Number.isInteger(d) || d < 1)
    throw new Error(`${where}: numFeatures must be an integer >= 1, got ${d}`);
  if (x.length % d !== 0)
    throw new Error(`${where}: x has ${x.length} values, not a multiple of numFeatures ${d}`);
  const n = x.length / d;
  if (y.length !== n) throw new Error(`${where}: y has ${y.length} labels but x has ${n} rows`);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i]! < 0 || y[i]! >= numClasses) {
      throw new Error(`${where}: y[${i}] = ${y[i]} is outside [0, ${numClasses})`);
    }
  }
  return n;
}

/**
 * Train a linear probe (multinomial logistic regression with L2) with Adam on mini-batches, in tfjs. Features are
 * standardised with the training mean/std; W and b start at zero; the batch order comes from `seed`.
 *
 * @param x - features, row-major [N, D]
 * @param y - labels [N] in [0, numClasses)
 * @example
 * const probe = trainLinearProbe(x, y, 768, 17, { epochs: 40 }); // weights Float32Array [768 * 17]
 */
export function trainLinearProbe(
  x: Float32Array,
  y: Int32Array,
  numFeatures: number,
  numClasses: number,
  options: ProbeTrainOptions = {},
): LinearProbe {
  const where = 'trainLinearProbe';
  const n = checkData(where, x, y, numFeatures, numClasses);
  if (n === 0) throw new Error(`${where}: no training examples`);
  const D = numFeatures;
  const C = numClasses;
  const epochs = options.epochs ?? 40;
  const lr = options.learningRate ?? 0.02;
  const l2 = options.l2 ?? 1e-3;
  const bs = Math.min(options.batchSize ?? 256, n);
  const mean = new Float32Array(D);
  const std = new Float32Array(D);
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) mean[k]! += x[i * D + k]! / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) std[k]! += (x[i * D + k]! - mean[k]!) ** 2 / n;
  for (let k = 0; k < D; k++) std[k] = Math.sqrt(std[k]!) + 1e-6;
  const z = new Float32Array(n * D); // [N, D] standardised
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) z[i * D + k] = (x[i * D + k]! - mean[k]!) / std[k]!;

  const W = tf.variable(tf.zeros([D, C]), true, undefined, 'float32'); // [D, C]
  const b = tf.variable(tf.zeros([C]), true, undefined, 'float32'); // [C]
  const opt = tf.train.adam(lr);
  const rng = createRng(options.seed ?? 0);
  const order = Array.from({ length: n }, (_, i) => i);
  let finalLoss = Number.NaN;
  try {
    for (let ep = 0; ep < epochs; ep++) {
      rng.shuffle(order);
      for (let s = 0; s < n; s += bs) {
        const idx = order.slice(s, s + bs);
        const xb = new Float32Array(idx.length * D);
        const yb = new Int32Array(idx.length);
        idx.forEach((r, j) => {
          xb.set(z.subarray(r * D, r * D + D), j * D);
          yb[j] = y[r]!;
        });
        const loss = tf.tidy(() => {
          const xt = tf.tensor2d(xb, [idx.length, D]); // [B, D]
          const yt = tf.oneHot(tf.tensor1d(yb, 'int32'), C); // [B, C]
          return opt.minimize(
            () => {
              const logits = dense(xt, W, b); // [B, C]
              const ce = tf.losses.softmaxCrossEntropy(yt, logits); // []
              return tf.add(ce, tf.mul(l2, tf.sum(tf.square(W)))) as tf.Scalar; // []
            },
            true,
            [W, b],
          )!;
        });
        finalLoss = loss.dataSync()[0]!;
        loss.dispose();
      }
    }
    return {
      numFeatures: D,
      numClasses: C,
      mean,
      std,
      weights: Float32Array.from(W.dataSync()),
      bias: Float32Array.from(b.dataSync()),
      finalLoss,
    };
  } finally {
    W.dispose();
    b.dispose();
    opt.dispose();
  }
}

/**
 * Predicted class of each row (argmax of standardised features · W + b), computed on the host.
 *
 * @param x - row-major [N, D]
 * @returns [N]
 */
export function predictProbe(probe: LinearProbe, x: Float32Array): Int32Array {
  const D = probe.numFeatures;
  const C = probe.numClasses;
  if (x.length % D !== 0) throw new Error(`predictProbe: x has ${x.length} values, not a multiple of ${D}`);
  const n = x.length / D;
  const out = new Int32Array(n);
  const logits = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    logits.set(probe.bias);
    for (let k = 0; k < D; k++) {
      const v = (x[i * D + k]! - probe.mean[k]!) / probe.std[k]!;
      if (v === 0) continue;
      for (let c = 0; c < C; c++) logits[c]! += v * probe.weights[k * C + c]!;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[c]! > logits[best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** A probe's accuracy: the fraction of equal entries (NaN when there are none; the GLUE `accuracy` of `@bigs/trainer` throws instead). */
export function probeAccuracy(pred: ArrayLike<number>, gold: ArrayLike<number>): number {
  if (pred.length !== gold.length)
    throw new Error(`probeAccuracy: ${pred.length} predictions vs ${gold.length} labels`);
  if (gold.length === 0) return Number.NaN;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (pred[i] === gold[i]) ok++;
  return ok / gold.length;
}
