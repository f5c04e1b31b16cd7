import type { Module } from '@bigs/gated-blocks';
import type { ProgressMode, ProgressStream } from '../logging/progress.js';
import type { AdamWConfig } from '../optim/adamw.js';
import { learningRateAt, type ScheduleConfig } from '../optim/schedule.js';
import { stepsForEpochs } from './epoch-steps.js';
import type { Batch, BatchSource, EvalFn, LossFn, StepInfo } from './types.js';

/** Options of `Trainer`. Step counts are optimizer steps (one per accumulation window). */
export interface TrainerOptions<B extends Batch> {
  model: Module;
  lossFn: LossFn<B>;
  trainData: BatchSource<B>;
  evaluate?: EvalFn;
  /** AdamW settings and parameter groups (see `PRETRAIN_ADAMW`, `FINETUNE_ADAMW`). */
  optimizer?: AdamWConfig;
  /** Schedule; `totalSteps` defaults to the run's max steps. */
  schedule: Omit<ScheduleConfig, 'totalSteps'> & { totalSteps?: number };
  /** Stop after this many optimizer steps. One of `maxSteps` / `epochs` is required. */
  maxSteps?: number;
  /** Number of epochs; needs `trainData.numBatches()`; steps = `stepsForEpochs(epochs, numBatches, accumulation)`. */
  epochs?: number;
  /** Micro-batches per optimizer step (gradients are averaged). Default 1. */
  gradientAccumulationSteps?: number;
  /** Clip the global gradient norm to this value (PyTorch semantics). Default: no clipping (as official BiGS). */
  maxGradNorm?: number;
  /** Run seed; dropout seeds are `stepSeed(seed, step, microStep)`. Default 42 (official). */
  seed?: number;
  /** Where checkpoints, `metrics.jsonl` and `loss_curve.svg` go. Without it nothing is written. */
  outputDir?: string;
  /** Write a metrics line every N steps. Default 10. */
  loggingSteps?: number;
  /** Evaluate every N steps (0/undefined: only at the end). */
  evalSteps?: number;
  /** Save a checkpoint every N steps (0/undefined: only at the end / on a signal). */
  saveSteps?: number;
  /** Keep only the newest K checkpoints (the best one, if tracked, is also kept). */
  saveTotalLimit?: number;
  /** Save when training ends normally. Default true when `outputDir` is set. */
  saveAtEnd?: boolean;
  /** Evaluate when training ends (unless the last step was just evaluated). Default true with `evaluate`. */
  evalAtEnd?: boolean;
  /** Write model weights into a checkpoint directory (e.g. `(dir) => model.savePretrained(dir)`). Default: `model.safetensors` of all named parameters. */
  saveModel?: (dir: string) => Promise<void>;
  /** Load model weights from a checkpoint directory into `model`. Default: reads the default `model.safetensors`. */
  loadModel?: (dir: string) => Promise<void>;
  /** Training FLOPs per token (fwd + bwd), for MFU. See `bigsTrainingFlopsPerToken`. */
  flopsPerToken?: number;
  /** Peak FLOP/s of the device for the dtype used, for MFU. */
  peakFlops?: number;
  /** Eval metric (with its `eval_` prefix) to track the best of; `greaterIsBetter` default true. */
  metricForBest?: string;
  greaterIsBetter?: boolean;
  /** Progress display on stderr. Default 'auto' (bar on a TTY, plain lines otherwise). */
  progress?: ProgressMode;
  progressStream?: ProgressStream;
  /**
   * Listen for SIGINT/SIGTERM while training (see `onStopSignals`; under a launcher from `runSupervised` the
   * launcher answers at once and passes the request on): finish the step, save, return with stopReason 'signal'
   * and `exitCode` 128 + signo for the caller to exit with. Default true.
   */
  handleSignals?: boolean;
  /** Called after every optimizer step; return 'stop' to stop (a checkpoint is saved as for a signal). */
  onStep?: (info: StepInfo) => undefined | 'stop' | Promise<undefined | 'stop'>;
}

/** The checked numbers a run is built from. */
export interface ResolvedTrainerOptions {
  accumulation: number;
  maxSteps: number;
  schedule: ScheduleConfig;
}

function isCount(v: number, min: number): boolean {
  return Number.isInteger(v) && v >= min;
}

/** Optimizer steps of the run: `maxSteps`, or the project's epoch rule ({@link stepsForEpochs}). */
function resolveMaxSteps<B extends Batch>(o: TrainerOptions<B>, accumulation: number): number {
  if (o.maxSteps !== undefined) {
    if (!isCount(o.maxSteps, 1))
      throw new Error(`Trainer: maxSteps must be an integer >= 1, got ${o.maxSteps}`);
    return o.maxSteps;
  }
  if (o.epochs === undefined) throw new Error('Trainer: one of maxSteps or epochs is required');
  const n = o.trainData.numBatches?.();
  if (n === undefined) throw new Error('Trainer: epochs needs trainData.numBatches(); pass maxSteps instead');
  return stepsForEpochs(o.epochs, n, accumulation);
}

/**
 * Check the options (throws naming the bad one) and resolve accumulation, step count and schedule.
 *
 * @example
 * resolveTrainerOptions({ ...opts, maxSteps: 10 }).schedule.totalSteps; // 10 unless the schedule sets it
 */
export function resolveTrainerOptions<B extends Batch>(o: TrainerOptions<B>): ResolvedTrainerOptions {
  const accumulation = o.gradientAccumulationSteps ?? 1;
  if (!isCount(accumulation, 1)) {
    throw new Error(`Trainer: gradientAccumulationSteps must be an integer >= 1, got ${accumulation}`);
  }
  const maxSteps = resolveMaxSteps(o, accumulation);
  for (const k of ['loggingSteps', 'evalSteps', 'saveSteps', 'saveTotalLimit'] as const) {
    const v = o[k];
    if (v !== undefined && !isCount(v, 0)) throw new Error(`Trainer: ${k} must be an integer >= 0, got ${v}`);
  }
  if (o.maxGradNorm !== undefined && !(o.maxGradNorm > 0)) {
    throw new Error(`Trainer: maxGradNorm must be > 0, got ${o.maxGradNorm}`);
  }
  const schedule = { ...o.schedule, totalSteps: o.schedule.totalSteps ?? maxSteps };
  learningRateAt(schedule, 0); // validate now
  return { accumulation, maxSteps, schedule };
}
