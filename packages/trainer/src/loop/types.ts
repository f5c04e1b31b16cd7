import type { ForwardContext, Module } from '@bigs/gated-blocks';
import type * as tf from '@tensorflow/tfjs';

/** What the trainer needs to know about a batch: how many tokens it holds (for throughput and MFU). */
export interface Batch {
  /** Tokens processed by this batch (e.g. B·L, or the non-padding count — your choice, stated in your logs). */
  numTokens: number;
}

/**
 * A resumable stream of training batches (one micro-batch per `next()`).
 *
 * The cursor must restore the source completely (position, epoch, shuffle state): after
 * `setCursor(getCursor())` on a fresh source, `next()` returns the same batches as the original would have.
 */
export interface BatchSource<B extends Batch> {
  /** The next micro-batch, or null at the end of the current epoch / the data. */
  next(): Promise<B | null>;
  /** JSON-serialisable position after the last batch returned. */
  getCursor(): unknown;
  /** Restore a position from {@link getCursor} (of this or an identically configured source). */
  setCursor(cursor: unknown): void | Promise<void>;
  /** Begin epoch `epoch` (0-based, called with 1, 2, … after `next()` returned null). Absent: data ends at null. */
  startEpoch?(epoch: number): void | Promise<void>;
  /** Micro-batches per epoch, if known (required for `epochs`). */
  numBatches?(): number;
}

/** The training objective: a scalar loss (mean over the micro-batch) and optional scalar metrics to average. */
export type LossFn<B extends Batch> = (
  batch: B,
  ctx: ForwardContext,
) => { loss: tf.Scalar; metrics?: Record<string, tf.Scalar> };

/**
 * Evaluation: returns metrics (e.g. `{ loss, accuracy, perplexity }`); keys are logged with an `eval_` prefix
 * unless they already have it. Run the model with `ForwardContext.eval()` (no dropout).
 */
export type EvalFn = (info: { step: number; model: Module }) => Promise<Record<string, number>>;

/** Passed to `onStep` after every optimizer step. */
export interface StepInfo {
  /** Completed optimizer steps (1 after the first update). */
  step: number;
  /** Mean loss of the step's micro-batches. */
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Tokens in this step. */
  tokens: number;
  /** Means of the loss function's extra metrics. */
  metrics: Record<string, number>;
  /** Wall-clock seconds of the step (set by the trainer before `onStep`). */
  seconds?: number;
}

/** Why `train()` returned. */
export type StopReason = 'max_steps' | 'end_of_data' | 'signal' | 'stop_requested';

/** Result of `Trainer.train()`. */
export interface TrainResult {
  globalStep: number;
  stopReason: StopReason;
  /** Signal name when `stopReason` is 'signal'. */
  signal?: string;
  /** When stopped by a signal: the exit code the caller should end with (128 + signo: 130 SIGINT, 143 SIGTERM). */
  exitCode?: number;
  lastCheckpoint: string | null;
  /** Best value of `metricForBest` and where it was seen (null without `metricForBest`). */
  best: { metric: string; value: number; step: number; checkpoint: string | null } | null;
}

/** Thrown when a step produces a non-finite loss or gradient norm. The update is NOT applied. */
export class NonFiniteError extends Error {
  constructor(
    message: string,
    readonly step: number,
    readonly loss: number,
    readonly gradNorm: number,
    readonly lastCheckpoint: string | null,
  ) {
    super(message);
    this.name = 'NonFiniteError';
  }
}
