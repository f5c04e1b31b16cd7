import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Module } from '@bigs/gated-blocks';
import { readSafetensors, writeSafetensors } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import {
  pruneCheckpoints,
  removeStaleTemporaries,
  writeCheckpointAtomic,
} from '../checkpoint/checkpoint-dir.js';
import { writeFileSynced } from '../checkpoint/fs-sync.js';
import type { HostTensor } from '../checkpoint/host-tensor.js';
import { loadModuleWeights, saveModuleWeights } from '../checkpoint/model-weights.js';
import {
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
  TRAINER_STATE_FORMAT,
  type TrainerStateFile,
  validateTrainerState,
} from '../checkpoint/trainer-state.js';
import { writeLossCurveSvg } from '../logging/loss-curve-svg.js';
import { MetricsLog, type MetricsRecord } from '../logging/metrics-log.js';
import { type ProgressMode, ProgressReporter, type ProgressStream } from '../logging/progress.js';
import { GradientAccumulator } from '../optim/accumulate.js';
import { AdamW, type AdamWConfig } from '../optim/adamw.js';
import { clipCoefficient, globalNorm } from '../optim/clip.js';
import { learningRateAt, type ScheduleConfig } from '../optim/schedule.js';
import { faultPoint, faultPointSync } from './fault-points.js';
import { RNG_SCHEME, trainContext } from './seed.js';
import { onStopSignals } from './supervisor.js';
import { mfu as computeMfu } from './throughput.js';
import {
  type Batch,
  type BatchSource,
  type EvalFn,
  type LossFn,
  NonFiniteError,
  type StepInfo,
  type StopReason,
  type TrainResult,
} from './types.js';

/** Options of {@link Trainer}. Step counts are optimizer steps (one per accumulation window). */
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
  /** Number of epochs; needs `trainData.numBatches()`; steps = floor(epochs · numBatches / accumulation). */
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
   * Install SIGINT/SIGTERM handlers: finish the step, save, return (see `onStopSignals`; under a launcher from
   * `runSupervised` the launcher answers at once and passes the request on). Default true.
   */
  handleSignals?: boolean;
  /** After the signal save, call `process.exit(128 + signo)`. Default false (train() returns). */
  exitOnSignal?: boolean;
  /** Called after every optimizer step; return 'stop' to stop (a checkpoint is saved as for a signal). */
  onStep?: (info: StepInfo) => undefined | 'stop' | Promise<undefined | 'stop'>;
}

interface LogWindow {
  lossSum: number;
  steps: number;
  tokens: number;
  seconds: number;
  metricSums: Record<string, number>;
}

const emptyWindow = (): LogWindow => ({ lossSum: 0, steps: 0, tokens: 0, seconds: 0, metricSums: {} });

/**
 * The training loop: AdamW + schedule + accumulation + clipping, seeded dropout contexts, evaluation, atomic
 * checkpoints with exact resume, `metrics.jsonl`, progress and a loss-curve SVG.
 *
 * @example
 * const trainer = new Trainer({ model, lossFn, trainData, maxSteps: 1000, outputDir: 'runs/a',
 *   optimizer: { ...PRETRAIN_ADAMW }, schedule: { kind: 'cosine', peakLearningRate: 6e-4, warmupSteps: 100 } });
 * const last = await latestCheckpoint('runs/a');
 * if (last) await trainer.resumeFromCheckpoint(last);
 * const result = await trainer.train(); // { globalStep: 1000, stopReason: 'max_steps', ... }
 */
export class Trainer<B extends Batch> {
  readonly optimizer: AdamW;
  readonly maxSteps: number;
  readonly accumulation: number;
  private readonly opts: TrainerOptions<B>;
  private readonly schedule: ScheduleConfig;
  private seed: number;
  private globalStep = 0;
  private epoch = 0;
  private tokensSeen = 0;
  private elapsedSeconds = 0;
  private window: LogWindow = emptyWindow();
  private logHistory: MetricsRecord[] = [];
  private best: TrainResult['best'] = null;
  private lastCheckpoint: string | null = null;
  private lastLr = 0;
  private stopRequested: { reason: StopReason; signal?: string } | null = null;
  private resumed = false;

  constructor(options: TrainerOptions<B>) {
    this.opts = options;
    this.accumulation = options.gradientAccumulationSteps ?? 1;
    if (!(Number.isInteger(this.accumulation) && this.accumulation >= 1)) {
      throw new Error(`Trainer: gradientAccumulationSteps must be an integer >= 1, got ${this.accumulation}`);
    }
    if (options.maxSteps !== undefined) {
      if (!(Number.isInteger(options.maxSteps) && options.maxSteps >= 1)) {
        throw new Error(`Trainer: maxSteps must be an integer >= 1, got ${options.maxSteps}`);
      }
      this.maxSteps = options.maxSteps;
    } else if (options.epochs !== undefined) {
      const n = options.trainData.numBatches?.();
      if (n === undefined)
        throw new Error('Trainer: epochs needs trainData.numBatches(); pass maxSteps instead');
      this.maxSteps = Math.floor((options.epochs * n) / this.accumulation);
      if (this.maxSteps < 1) {
        throw new Error(
          `Trainer: epochs=${options.epochs} × ${n} batches / accumulation ${this.accumulation} gives 0 steps`,
        );
      }
    } else {
      throw new Error('Trainer: one of maxSteps or epochs is required');
    }
    for (const k of ['loggingSteps', 'evalSteps', 'saveSteps', 'saveTotalLimit'] as const) {
      const v = options[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
        throw new Error(`Trainer: ${k} must be an integer >= 0, got ${v}`);
      }
    }
    if (options.maxGradNorm !== undefined && !(options.maxGradNorm > 0)) {
      throw new Error(`Trainer: maxGradNorm must be > 0, got ${options.maxGradNorm}`);
    }
    this.schedule = { ...options.schedule, totalSteps: options.schedule.totalSteps ?? this.maxSteps };
    learningRateAt(this.schedule, 0); // validate now
    this.seed = options.seed ?? 42;
    this.optimizer = new AdamW(options.model, options.optimizer ?? {});
  }

  /** Completed optimizer steps. */
  get step(): number {
    return this.globalStep;
  }

  /** Ask the loop to stop after the current step (a checkpoint is saved when `outputDir` is set). */
  requestStop(reason: StopReason = 'stop_requested', signal?: string): void {
    this.stopRequested = signal === undefined ? { reason } : { reason, signal };
  }

  /**
   * Restore everything from a `checkpoint-<step>` directory: model weights (`loadModel`), optimizer moments
   * and step, scheduler position, run seed, data cursor, epoch, logging window and metrics history. The
   * following `train()` continues exactly where the checkpointed run was (same losses to float rounding), and
   * rewrites `metrics.jsonl` (of its own output dir, which may be another one) as the checkpoint's history.
   */
  async resumeFromCheckpoint(dir: string): Promise<void> {
    const statePath = join(dir, TRAINER_STATE_FILE);
    const state = validateTrainerState(JSON.parse(await readFile(statePath, 'utf8')), statePath);
    if (state.gradient_accumulation_steps !== this.accumulation) {
      throw new Error(
        `resumeFromCheckpoint: ${statePath} was written with gradient_accumulation_steps=${state.gradient_accumulation_steps}, this trainer uses ${this.accumulation}; exact resume needs the same value`,
      );
    }
    if (this.opts.loadModel) await this.opts.loadModel(dir);
    else await loadModuleWeights(this.opts.model, dir);
    const optPath = join(dir, OPTIMIZER_FILE);
    const { tensors } = await readSafetensors(optPath);
    const moments: Record<string, HostTensor> = {};
    for (const [name, t] of tensors) {
      if (t.dtype !== 'F32')
        throw new Error(`resumeFromCheckpoint: ${optPath} tensor '${name}' is ${t.dtype}, expected F32`);
      moments[name] = { shape: t.shape, data: t.data };
    }
    this.optimizer.setState({ step: state.optimizer.step, tensors: moments });
    await this.opts.trainData.setCursor(state.data_cursor);
    this.seed = state.rng.seed;
    this.globalStep = state.global_step;
    this.epoch = state.epoch;
    this.tokensSeen = state.tokens_seen;
    this.elapsedSeconds = state.elapsed_seconds;
    this.window = { ...state.log_window, metricSums: { ...state.log_window.metricSums } };
    this.logHistory = state.log_history.map((r) => ({ ...r }));
    this.best = state.best;
    this.lastLr = state.scheduler.last_learning_rate;
    this.lastCheckpoint = dir;
    this.resumed = true;
  }

  /** Run until `maxSteps`, the end of the data, a signal or `requestStop()`. */
  async train(): Promise<TrainResult> {
    const o = this.opts;
    const outputDir = o.outputDir;
    let metricsLog: MetricsLog | null = null;
    if (outputDir) {
      await removeStaleTemporaries(outputDir);
      if (o.saveTotalLimit) await this.pruneNow(outputDir, o.saveTotalLimit);
      // On resume, metrics.jsonl is the checkpoint's history (every line written before it was saved): in the
      // same directory this drops the lines of an abandoned future (even those at the checkpoint's own step,
      // written after the save, such as a final evaluation); in a new directory it carries the history over,
      // so the file and the loss curve are continuous.
      metricsLog = MetricsLog.open(join(outputDir, 'metrics.jsonl'), {
        keepUpToStep: this.resumed ? this.globalStep : 0,
        ...(this.resumed ? { history: this.logHistory } : {}),
      });
    }
    const progress = new ProgressReporter({
      total: this.maxSteps,
      startStep: this.globalStep,
      mode: o.progress ?? 'auto',
      ...(o.progressStream ? { stream: o.progressStream } : {}),
    });
    const removeHandlers =
      o.handleSignals === false
        ? () => {}
        : onStopSignals({
            stop: (signal) => this.requestStop('signal', signal),
            message: (signal) =>
              `${signal} received: finishing step ${this.globalStep + 1}, then saving a checkpoint and stopping; signal again to stop now`,
          });
    const loggingSteps = o.loggingSteps ?? 10;
    let stopReason: StopReason = 'max_steps';
    // Resumed at a step that was already evaluated (e.g. the final checkpoint, killed before the run's end):
    // do not evaluate it again, or metrics.jsonl would get a second line for that step.
    let lastEvalStep =
      this.resumed &&
      this.logHistory.some(
        (r) => r.step === this.globalStep && Object.keys(r).some((k) => k.startsWith('eval_')),
      )
        ? this.globalStep
        : -1;
    let lastSaveStep = this.resumed ? this.globalStep : -1;
    try {
      while (this.globalStep < this.maxSteps) {
        const t0 = performance.now();
        const info = await this.trainStep(metricsLog);
        if (info === null) {
          stopReason = 'end_of_data';
          break;
        }
        const dt = (performance.now() - t0) / 1000;
        info.seconds = dt;
        this.elapsedSeconds += dt;
        const w = this.window;
        w.lossSum += info.loss;
        w.steps += 1;
        w.tokens += info.tokens;
        w.seconds += dt;
        for (const [k, v] of Object.entries(info.metrics)) w.metricSums[k] = (w.metricSums[k] ?? 0) + v;
        const tokensPerSecond = w.seconds > 0 ? w.tokens / w.seconds : 0;
        progress.update({ step: this.globalStep, loss: info.loss, tokensPerSecond });

        let record: MetricsRecord | null = null;
        if (loggingSteps > 0 && this.globalStep % loggingSteps === 0) {
          record = this.windowRecord(info);
          progress.line({
            step: this.globalStep,
            loss: record.loss as number,
            learningRate: info.learningRate,
            gradNorm: info.gradNorm,
            tokensPerSecond: record.tokens_per_second as number,
            mfu: record.mfu as number | null,
          });
          this.window = emptyWindow();
        }
        if (o.evaluate && o.evalSteps && this.globalStep % o.evalSteps === 0) {
          record = { ...(record ?? { step: this.globalStep }), ...(await this.runEval(progress)) };
          lastEvalStep = this.globalStep;
        }
        if (record) {
          metricsLog?.append(record);
          this.logHistory.push(record);
        }
        if (outputDir && o.saveSteps && this.globalStep % o.saveSteps === 0) {
          await this.saveCheckpoint(progress);
          lastSaveStep = this.globalStep;
        }
        if (o.onStep && (await o.onStep(info)) === 'stop' && !this.stopRequested) this.requestStop();
        // Let the event loop run once per step: signals and the launcher's messages are delivered only from
        // there, and a loop over in-memory data otherwise never leaves the microtask queue.
        await new Promise((r) => setImmediate(r));
        if (this.stopRequested) {
          stopReason = this.stopRequested.reason;
          break;
        }
      }
      const finishedNormally = stopReason === 'max_steps' || stopReason === 'end_of_data';
      if (finishedNormally && o.evaluate && (o.evalAtEnd ?? true) && lastEvalStep !== this.globalStep) {
        const record: MetricsRecord = { step: this.globalStep, ...(await this.runEval(progress)) };
        metricsLog?.append(record);
        this.logHistory.push(record);
      }
      const wantSave = finishedNormally ? (o.saveAtEnd ?? true) : true;
      if (outputDir && wantSave && lastSaveStep !== this.globalStep) await this.saveCheckpoint(progress);
      if (outputDir && metricsLog) writeLossCurveSvg(metricsLog.path, join(outputDir, 'loss_curve.svg'));
    } finally {
      removeHandlers();
      progress.done();
    }
    const result: TrainResult = {
      globalStep: this.globalStep,
      stopReason,
      lastCheckpoint: this.lastCheckpoint,
      best: this.best,
    };
    if (this.stopRequested?.signal) result.signal = this.stopRequested.signal;
    if (stopReason === 'signal' && o.exitOnSignal) {
      process.exit(128 + (this.stopRequested?.signal === 'SIGTERM' ? 15 : 2));
    }
    return result;
  }

  /** Save a checkpoint of the current state now; returns its path. Needs `outputDir`. */
  async saveCheckpoint(progress?: ProgressReporter): Promise<string> {
    const o = this.opts;
    if (!o.outputDir) throw new Error('Trainer.saveCheckpoint: outputDir is not set');
    const optState = await this.optimizer.getState();
    const state: TrainerStateFile = {
      format: TRAINER_STATE_FORMAT,
      version: 1,
      global_step: this.globalStep,
      max_steps: this.maxSteps,
      epoch: this.epoch,
      tokens_seen: this.tokensSeen,
      elapsed_seconds: this.elapsedSeconds,
      gradient_accumulation_steps: this.accumulation,
      optimizer: {
        type: 'adamw',
        step: optState.step,
        beta1: this.optimizer.beta1,
        beta2: this.optimizer.beta2,
        epsilon: this.optimizer.epsilon,
        file: OPTIMIZER_FILE,
      },
      scheduler: { ...this.schedule, last_learning_rate: this.lastLr },
      rng: { seed: this.seed, scheme: RNG_SCHEME },
      data_cursor: JSON.parse(JSON.stringify(o.trainData.getCursor() ?? null)),
      log_window: this.window,
      log_history: this.logHistory,
      best: this.best,
    };
    const path = await writeCheckpointAtomic(o.outputDir, this.globalStep, async (tmp) => {
      if (o.saveModel) await o.saveModel(tmp);
      else await saveModuleWeights(o.model, tmp);
      await faultPoint('checkpoint-write', this.globalStep);
      await writeSafetensors(join(tmp, OPTIMIZER_FILE), optState.tensors, {
        format: 'bigs-adamw',
        step: String(optState.step),
      });
      await writeFileSynced(join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
    });
    this.lastCheckpoint = path;
    if (this.best && this.best.step === this.globalStep) this.best.checkpoint = path;
    if (o.saveTotalLimit) await this.pruneNow(o.outputDir, o.saveTotalLimit);
    progress?.message(`saved ${path}`);
    return path;
  }

  /** Apply `saveTotalLimit`, sparing the last checkpoint (saved or resumed from) and the best one. */
  private async pruneNow(outputDir: string, limit: number): Promise<void> {
    const protect: string[] = [];
    if (this.lastCheckpoint) protect.push(this.lastCheckpoint);
    if (this.best?.checkpoint) protect.push(this.best.checkpoint);
    await pruneCheckpoints(outputDir, limit, protect);
  }

  /** One optimizer step over `accumulation` micro-batches; null when the data ended first. */
  private async trainStep(metricsLog: MetricsLog | null): Promise<StepInfo | null> {
    const o = this.opts;
    const names = this.optimizer.trainableNames();
    const vars = this.optimizer.trainableVariables();
    const acc = new GradientAccumulator();
    let lossTotal: tf.Scalar | null = null;
    const metricTotals: Record<string, tf.Scalar> = {};
    let tokens = 0;
    const disposeAll = () => {
      acc.reset();
      lossTotal?.dispose();
      for (const t of Object.values(metricTotals)) t.dispose();
    };
    try {
      for (let micro = 0; micro < this.accumulation; micro++) {
        const batch = await this.nextBatch();
        if (batch === null) {
          disposeAll();
          return null;
        }
        tokens += batch.numTokens;
        const ctx = trainContext(this.seed, this.globalStep, micro);
        let metrics: Record<string, tf.Scalar> | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = o.lossFn(batch, ctx);
          if (out.metrics) {
            metrics = out.metrics;
            for (const t of Object.values(metrics)) if (t !== out.loss) tf.keep(t);
          }
          return out.loss;
        }, vars);
        const named = this.optimizer.gradsByParamName(grads);
        for (let i = 0; i < names.length; i++) {
          const n = names[i]!;
          if (!named[n]) named[n] = tf.zerosLike(vars[i]!); // unused parameter: zero gradient (as JAX)
        }
        acc.add(named);
        if (metrics) {
          for (const [k, t] of Object.entries(metrics)) {
            const p = metricTotals[k];
            metricTotals[k] = p ? (tf.add(p, t) as tf.Scalar) : (tf.clone(t) as tf.Scalar);
            p?.dispose();
            if (t !== value) t.dispose();
          }
        }
        const prev: tf.Scalar | null = lossTotal;
        lossTotal = prev ? (tf.add(prev, value) as tf.Scalar) : value;
        if (prev) {
          prev.dispose();
          value.dispose();
        }
      }
    } catch (err) {
      disposeAll();
      throw err;
    }
    faultPointSync('step', this.globalStep + 1);
    const grads = acc.takeMean();
    const list = names.map((n) => grads[n]!);
    const metricKeys = Object.keys(metricTotals);
    const packed = tf.tidy(() =>
      tf.stack([
        tf.div(lossTotal!, this.accumulation),
        globalNorm(list),
        ...metricKeys.map((k) => tf.div(metricTotals[k]!, this.accumulation)),
      ]),
    ); // [2 + metrics]
    lossTotal!.dispose();
    for (const t of Object.values(metricTotals)) t.dispose();
    const values = Array.from(await packed.data());
    packed.dispose();
    const loss = values[0]!;
    const gradNorm = values[1]!;
    const step = this.globalStep + 1;
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      for (const g of list) g.dispose();
      metricsLog?.append({ step, event: 'non_finite', loss, grad_norm: gradNorm });
      const what = !Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${gradNorm}`;
      throw new NonFiniteError(
        `Trainer: non-finite value at step ${step}: ${what}. The update was not applied and training stopped; ` +
          `last good checkpoint: ${this.lastCheckpoint ?? 'none (no checkpoint was saved yet)'}.`,
        step,
        loss,
        gradNorm,
        this.lastCheckpoint,
      );
    }
    // Clipping is applied inside the update (one multiply per gradient, fused on 'native').
    const coef = o.maxGradNorm !== undefined ? clipCoefficient(gradNorm, o.maxGradNorm) : 1;
    const learningRate = learningRateAt(this.schedule, this.globalStep);
    this.optimizer.applyGradients(grads, learningRate, Math.min(coef, 1));
    for (const g of Object.values(grads)) g.dispose();
    this.globalStep = step;
    this.tokensSeen += tokens;
    this.lastLr = learningRate;
    const metrics: Record<string, number> = {};
    metricKeys.forEach((k, i) => {
      metrics[k] = values[2 + i]!;
    });
    return { step, loss, learningRate, gradNorm, tokens, metrics };
  }

  private async nextBatch(): Promise<B | null> {
    const src = this.opts.trainData;
    const b = await src.next();
    if (b !== null) return b;
    const epochs = this.opts.epochs;
    if (!src.startEpoch || (epochs !== undefined && this.epoch + 1 >= Math.ceil(epochs))) return null;
    this.epoch += 1;
    await src.startEpoch(this.epoch);
    const again = await src.next();
    if (again === null)
      throw new Error(`Trainer: trainData returned no batch at the start of epoch ${this.epoch}`);
    return again;
  }

  private windowRecord(info: StepInfo): MetricsRecord {
    const w = this.window;
    const tokensPerSecond = w.seconds > 0 ? w.tokens / w.seconds : 0;
    const { flopsPerToken, peakFlops } = this.opts;
    const r: MetricsRecord = {
      step: this.globalStep,
      epoch: this.epoch,
      loss: w.lossSum / w.steps,
      learning_rate: info.learningRate,
      grad_norm: info.gradNorm,
      tokens_per_second: tokensPerSecond,
      mfu: flopsPerToken && peakFlops ? computeMfu(tokensPerSecond, flopsPerToken, peakFlops) : null,
      tokens_seen: this.tokensSeen,
      elapsed_seconds: this.elapsedSeconds,
    };
    for (const [k, v] of Object.entries(w.metricSums)) r[`train_${k}`] = v / w.steps;
    return r;
  }

  private async runEval(progress: ProgressReporter): Promise<Record<string, number>> {
    const o = this.opts;
    const raw = await o.evaluate!({ step: this.globalStep, model: o.model });
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) out[k.startsWith('eval_') ? k : `eval_${k}`] = v;
    progress.message(
      `eval @ step ${this.globalStep}: ${Object.entries(out)
        .map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`)
        .join(' | ')}`,
    );
    if (o.metricForBest !== undefined) {
      const v = out[o.metricForBest];
      if (v === undefined) {
        throw new Error(
          `Trainer: metricForBest '${o.metricForBest}' is not among the eval metrics (${Object.keys(out).join(', ')})`,
        );
      }
      const greater = o.greaterIsBetter ?? true;
      if (this.best === null || (greater ? v > this.best.value : v < this.best.value)) {
        this.best = { metric: o.metricForBest, value: v, step: this.globalStep, checkpoint: null };
      }
    }
    return out;
  }
}

/**
 * Convenience: build a {@link Trainer}, resume from `resumeFrom` if given, and train.
 *
 * @example
 * await train({ model, lossFn, trainData, maxSteps: 100, schedule: { kind: 'constant', peakLearningRate: 1e-3 } });
 */
export async function train<B extends Batch>(
  options: TrainerOptions<B> & { resumeFrom?: string | null },
): Promise<TrainResult> {
  const trainer = new Trainer(options);
  if (options.resumeFrom) await trainer.resumeFromCheckpoint(options.resumeFrom);
  try {
    return await trainer.train();
  } finally {
    trainer.optimizer.dispose();
  }
}
