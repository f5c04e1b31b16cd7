import * as tf from '@tensorflow/tfjs';
import type { MetricsLog } from '../logging/metrics-log.js';
import { GradientAccumulator } from '../optim/accumulate.js';
import type { AdamW } from '../optim/adamw.js';
import { clipCoefficient, globalNorm } from '../optim/clip.js';
import { learningRateAt, type ScheduleConfig } from '../optim/schedule.js';
import { faultPointSync } from './fault-points.js';
import { trainContext } from './seed.js';
import { type Batch, type LossFn, NonFiniteError, type StepInfo } from './types.js';

/** What one optimizer step needs. */
export interface StepInput<B extends Batch> {
  lossFn: LossFn<B>;
  optimizer: AdamW;
  accumulation: number;
  schedule: ScheduleConfig;
  maxGradNorm: number | undefined;
  seed: number;
  /** Completed optimizer steps before this one. */
  globalStep: number;
  /** The next micro-batch (across epochs), or null at the end of the data. */
  nextBatch: () => Promise<B | null>;
  /** Where a non-finite step is logged. */
  metricsLog: MetricsLog | null;
  /** For the non-finite error's message. */
  lastCheckpoint: string | null;
}

/** Sums over the micro-batches of a step (tensors owned by it). */
interface Accumulated {
  grads: GradientAccumulator;
  lossTotal: tf.Scalar;
  metricTotals: Record<string, tf.Scalar>;
  tokens: number;
}

function disposeAccumulated(a: Partial<Accumulated>): void {
  a.grads?.reset();
  a.lossTotal?.dispose();
  for (const t of Object.values(a.metricTotals ?? {})) t.dispose();
}

/** Loss and gradients of one micro-batch, by parameter name (unused parameters get zero, as JAX). */
function microStep<B extends Batch>(c: StepInput<B>, batch: B, micro: number) {
  const names = c.optimizer.trainableNames();
  const vars = c.optimizer.trainableVariables();
  const ctx = trainContext(c.seed, c.globalStep, micro);
  let metrics: Record<string, tf.Scalar> | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = c.lossFn(batch, ctx);
    if (out.metrics) {
      metrics = out.metrics;
      for (const t of Object.values(metrics)) if (t !== out.loss) tf.keep(t);
    }
    return out.loss;
  }, vars);
  const named = c.optimizer.gradsByParamName(grads);
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (!named[n]) named[n] = tf.zerosLike(vars[i]!); // unused parameter: zero gradient (as JAX)
  }
  return { value, named, metrics };
}

/** Add one micro-batch's loss (taken over) and metrics (disposed) into the running sums. */
function addMicro(a: Partial<Accumulated>, value: tf.Scalar, metrics: Record<string, tf.Scalar> | undefined) {
  const totals = a.metricTotals!;
  for (const [k, t] of Object.entries(metrics ?? {})) {
    const p = totals[k];
    totals[k] = p ? (tf.add(p, t) as tf.Scalar) : (tf.clone(t) as tf.Scalar);
    p?.dispose();
    if (t !== value) t.dispose();
  }
  const prev = a.lossTotal;
  a.lossTotal = prev ? (tf.add(prev, value) as tf.Scalar) : value;
  if (prev) {
    prev.dispose();
    value.dispose();
  }
}

/** Run the step's micro-batches; null (nothing held) when the data ended first. */
async function accumulate<B extends Batch>(c: StepInput<B>): Promise<Accumulated | null> {
  const a: Partial<Accumulated> = { grads: new GradientAccumulator(), metricTotals: {}, tokens: 0 };
  try {
    for (let micro = 0; micro < c.accumulation; micro++) {
      const batch = await c.nextBatch();
      if (batch === null) {
        disposeAccumulated(a);
        return null;
      }
      a.tokens! += batch.numTokens;
      const { value, named, metrics } = microStep(c, batch, micro);
      a.grads!.add(named);
      addMicro(a, value, metrics);
    }
  } catch (err) {
    disposeAccumulated(a);
    throw err;
  }
  return a as Accumulated;
}

/** Mean loss, global gradient norm and mean metrics of the step, read back in one transfer. */
async function reduce(a: Accumulated, list: tf.Tensor[], accumulation: number, metricKeys: string[]) {
  const packed = tf.tidy(() =>
    tf.stack([
      tf.div(a.lossTotal, accumulation),
      globalNorm(list),
      ...metricKeys.map((k) => tf.div(a.metricTotals[k]!, accumulation)),
    ]),
  ); // [2 + metrics]
  a.lossTotal.dispose();
  for (const t of Object.values(a.metricTotals)) t.dispose();
  const values = Array.from(await packed.data());
  packed.dispose();
  return values;
}

function nonFinite(
  step: number,
  loss: number,
  gradNorm: number,
  lastCheckpoint: string | null,
): NonFiniteError {
  const what = !Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${gradNorm}`;
  return new NonFiniteError(
    `Trainer: non-finite value at step ${step}: ${what}. The update was not applied and training stopped; ` +
      `last good checkpoint: ${lastCheckpoint ?? 'none (no checkpoint was saved yet)'}.`,
    step,
    loss,
    gradNorm,
    lastCheckpoint,
  );
}

/**
 * One optimizer step over `accumulation` micro-batches: seeded forward/backward per micro-batch, mean gradients,
 * global norm, clipping and the AdamW update at the schedule's learning rate. Returns the step's info (its `step`
 * is the new global step), or null when the data ended first. Throws {@link NonFiniteError} (update not applied,
 * a `non_finite` line logged) on a non-finite loss or gradient norm.
 */
export async function runOptimizerStep<B extends Batch>(c: StepInput<B>): Promise<StepInfo | null> {
  const a = await accumulate(c);
  if (a === null) return null;
  faultPointSync('step', c.globalStep + 1);
  const grads = a.grads.takeMean();
  const list = c.optimizer.trainableNames().map((n) => grads[n]!);
  const metricKeys = Object.keys(a.metricTotals);
  const values = await reduce(a, list, c.accumulation, metricKeys);
  const loss = values[0]!;
  const gradNorm = values[1]!;
  const step = c.globalStep + 1;
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
    for (const g of list) g.dispose();
    c.metricsLog?.append({ step, event: 'non_finite', loss, grad_norm: gradNorm });
    throw nonFinite(step, loss, gradNorm, c.lastCheckpoint);
  }
  // Clipping is applied inside the update (one multiply per gradient, fused on 'native').
  const coef = c.maxGradNorm !== undefined ? clipCoefficient(gradNorm, c.maxGradNorm) : 1;
  const learningRate = learningRateAt(c.schedule, c.globalStep);
  c.optimizer.applyGradients(grads, learningRate, Math.min(coef, 1));
  for (const g of Object.values(grads)) g.dispose();
  const metrics: Record<string, number> = {};
  metricKeys.forEach((k, i) => {
    metrics[k] = values[2 + i]!;
  });
  return { step, loss, learningRate, gradNorm, tokens: a.tokens, metrics };
}
