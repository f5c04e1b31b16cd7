import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { removeStaleTemporaries } from '../checkpoint/checkpoint-dir.js';
import { writeLossCurveSvg } from '../logging/loss-curve-svg.js';
import { MetricsLog, type MetricsRecord } from '../logging/metrics-log.js';
import { ProgressReporter } from '../logging/progress.js';
import { AdamW } from '../optim/adamw.js';
import type { ScheduleConfig } from '../optim/schedule.js';
import {
  pruneKeeping,
  type RunState,
  readTrainerCheckpoint,
  runStateOf,
  writeTrainerCheckpoint,
} from './checkpointing.js';
import { BestCheckpointTracker, runEvaluation } from './evaluation.js';
import { addToWindow, emptyWindow, windowRecord, windowTokensPerSecond } from './log-window.js';
import { resolveTrainerOptions, type TrainerOptions } from './options.js';
import { onStopSignals, signalExitCode } from './signals.js';
import { runOptimizerStep } from './step.js';
import type { Batch, StepInfo, StopReason, TrainResult } from './types.js';

export type { TrainerOptions } from './options.js';

/** Per-run bookkeeping of `train()`: where metrics go, what was last evaluated and saved. */
interface LoopState {
  metricsLog: MetricsLog | null;
  progress: ProgressReporter;
  lastEvalStep: number;
  lastSaveStep: number;
}

/**
 * The training loop: AdamW + schedule + accumulation + clipping, seeded dropout contexts, evaluation, atomic
 * checkpoints with exact resume, `metrics.jsonl`, progress and a loss-curve SVG. The step is step.ts, checkpoints
 * checkpointing.ts, signals signals.ts, best-model tracking best-model.ts / evaluation.ts; this class runs them.
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
  private run: RunState;
  private readonly bestTracker: BestCheckpointTracker;
  private lastCheckpoint: string | null = null;
  private stopRequested: { reason: StopReason; signal?: string } | null = null;
  private resumed = false;

  constructor(options: TrainerOptions<B>) {
    this.opts = options;
    const resolved = resolveTrainerOptions(options);
    this.accumulation = resolved.accumulation;
    this.maxSteps = resolved.maxSteps;
    this.schedule = resolved.schedule;
    this.run = {
      seed: options.seed ?? 42,
      globalStep: 0,
      epoch: 0,
      tokensSeen: 0,
      elapsedSeconds: 0,
      window: emptyWindow(),
      logHistory: [],
      lastLr: 0,
    };
    this.bestTracker = new BestCheckpointTracker(options.metricForBest, options.greaterIsBetter ?? true);
    this.optimizer = new AdamW(options.model, options.optimizer ?? {});
  }

  /** Completed optimizer steps. */
  get step(): number {
    return this.run.globalStep;
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
    const state = await readTrainerCheckpoint(dir, this.opts, this.optimizer, this.accumulation);
    await this.opts.trainData.setCursor(state.data_cursor);
    this.run = runStateOf(state);
    this.bestTracker.restore(state.best);
    this.lastCheckpoint = dir;
    this.resumed = true;
  }

  /** Run until `maxSteps`, the end of the data, a signal or `requestStop()`. */
  async train(): Promise<TrainResult> {
    const loop = await this.beginLoop();
    const removeHandlers = this.listenForSignals();
    let stopReason: StopReason;
    try {
      stopReason = await this.loopSteps(loop);
      await this.finishRun(loop, stopReason);
    } finally {
      removeHandlers();
      loop.progress.done();
    }
    return this.result(stopReason);
  }

  /** Save a checkpoint of the current state now; returns its path. Needs `outputDir`. */
  async saveCheckpoint(progress?: ProgressReporter): Promise<string> {
    const o = this.opts;
    if (!o.outputDir) throw new Error('Trainer.saveCheckpoint: outputDir is not set');
    const path = await writeTrainerCheckpoint({
      outputDir: o.outputDir,
      io: o,
      optimizer: this.optimizer,
      run: this.run,
      maxSteps: this.maxSteps,
      accumulation: this.accumulation,
      schedule: this.schedule,
      dataCursor: o.trainData.getCursor(),
      best: this.bestTracker.best,
    });
    this.lastCheckpoint = path;
    this.bestTracker.saved(this.run.globalStep, path);
    if (o.saveTotalLimit) await this.pruneNow(o.outputDir, o.saveTotalLimit);
    progress?.message(`saved ${path}`);
    return path;
  }

  /** Clean the output dir, open `metrics.jsonl` and the progress display. */
  private async beginLoop(): Promise<LoopState> {
    const o = this.opts;
    const step = this.run.globalStep;
    let metricsLog: MetricsLog | null = null;
    if (o.outputDir) {
      await removeStaleTemporaries(o.outputDir);
      if (o.saveTotalLimit) await this.pruneNow(o.outputDir, o.saveTotalLimit);
      // On resume, metrics.jsonl is the checkpoint's history (every line written before it was saved): in the
      // same directory this drops the lines of an abandoned future (even those at the checkpoint's own step,
      // written after the save, such as a final evaluation); in a new directory it carries the history over,
      // so the file and the loss curve are continuous.
      metricsLog = MetricsLog.open(join(o.outputDir, 'metrics.jsonl'), {
        keepUpToStep: this.resumed ? step : 0,
        ...(this.resumed ? { history: this.run.logHistory } : {}),
      });
    }
    const progress = new ProgressReporter({
      total: this.maxSteps,
      startStep: step,
      mode: o.progress ?? 'auto',
      ...(o.progressStream ? { stream: o.progressStream } : {}),
    });
    // Resumed at a step that was already evaluated (e.g. the final checkpoint, killed before the run's end):
    // do not evaluate it again, or metrics.jsonl would get a second line for that step.
    const evaluated =
      this.resumed &&
      this.run.logHistory.some((r) => r.step === step && Object.keys(r).some((k) => k.startsWith('eval_')));
    return {
      metricsLog,
      progress,
      lastEvalStep: evaluated ? step : -1,
      lastSaveStep: this.resumed ? step : -1,
    };
  }

  /** Install the stop-signal listener (signals.ts) unless `handleSignals` is false; returns its remover. */
  private listenForSignals(): () => void {
    if (this.opts.handleSignals === false) return () => {};
    return onStopSignals({
      stop: (signal) => this.requestStop('signal', signal),
      message: (signal) =>
        `${signal} received: finishing step ${this.run.globalStep + 1}, then saving a checkpoint and stopping; signal again to stop now`,
    });
  }

  /** Steps until the end; returns why it ended. */
  private async loopSteps(loop: LoopState): Promise<StopReason> {
    while (this.run.globalStep < this.maxSteps) {
      const info = await this.timedStep(loop);
      if (info === null) return 'end_of_data';
      await this.afterStep(loop, info);
      if (this.opts.onStep && (await this.opts.onStep(info)) === 'stop' && !this.stopRequested)
        this.requestStop();
      // Let the event loop run once per step: signals and the launcher's messages are delivered only from
      // there, and a loop over in-memory data otherwise never leaves the microtask queue.
      await new Promise((r) => setImmediate(r));
      if (this.stopRequested) return this.stopRequested.reason;
    }
    return 'max_steps';
  }

  /** One optimizer step, timed, with the run state and the logging window updated. */
  private async timedStep(loop: LoopState): Promise<StepInfo | null> {
    const run = this.run;
    const t0 = performance.now();
    const info = await runOptimizerStep({
      lossFn: this.opts.lossFn,
      optimizer: this.optimizer,
      accumulation: this.accumulation,
      schedule: this.schedule,
      maxGradNorm: this.opts.maxGradNorm,
      seed: run.seed,
      globalStep: run.globalStep,
      nextBatch: () => this.nextBatch(),
      metricsLog: loop.metricsLog,
      lastCheckpoint: this.lastCheckpoint,
    });
    if (info === null) return null;
    run.globalStep = info.step;
    run.tokensSeen += info.tokens;
    run.lastLr = info.learningRate;
    const dt = (performance.now() - t0) / 1000;
    info.seconds = dt;
    run.elapsedSeconds += dt;
    addToWindow(run.window, info, dt);
    return info;
  }

  /** After a step: progress, the metrics line every `loggingSteps`, evaluation every `evalSteps`, saving. */
  private async afterStep(loop: LoopState, info: StepInfo): Promise<void> {
    const o = this.opts;
    const run = this.run;
    loop.progress.update({
      step: run.globalStep,
      loss: info.loss,
      tokensPerSecond: windowTokensPerSecond(run.window),
    });
    let record: MetricsRecord | null = null;
    const loggingSteps = o.loggingSteps ?? 10;
    if (loggingSteps > 0 && run.globalStep % loggingSteps === 0) record = this.logWindow(loop, info);
    if (o.evaluate && o.evalSteps && run.globalStep % o.evalSteps === 0) {
      record = { ...(record ?? { step: run.globalStep }), ...(await this.evaluateNow(loop.progress)) };
      loop.lastEvalStep = run.globalStep;
    }
    if (record) this.appendRecord(loop, record);
    if (o.outputDir && o.saveSteps && run.globalStep % o.saveSteps === 0) {
      await this.saveCheckpoint(loop.progress);
      loop.lastSaveStep = run.globalStep;
    }
  }

  /** Close the logging window: its metrics line (returned) and a progress line. */
  private logWindow(loop: LoopState, info: StepInfo): MetricsRecord {
    const run = this.run;
    const record = windowRecord(run.window, info, {
      step: run.globalStep,
      epoch: run.epoch,
      tokensSeen: run.tokensSeen,
      elapsedSeconds: run.elapsedSeconds,
      flopsPerToken: this.opts.flopsPerToken,
      peakFlops: this.opts.peakFlops,
    });
    loop.progress.line({
      step: run.globalStep,
      loss: record.loss as number,
      learningRate: info.learningRate,
      gradNorm: info.gradNorm,
      tokensPerSecond: record.tokens_per_second as number,
      mfu: record.mfu as number | null,
    });
    run.window = emptyWindow();
    return record;
  }

  private appendRecord(loop: LoopState, record: MetricsRecord): void {
    loop.metricsLog?.append(record);
    this.run.logHistory.push(record);
  }

  /** At the end: the final evaluation and save (when due) and the loss curve. */
  private async finishRun(loop: LoopState, stopReason: StopReason): Promise<void> {
    const o = this.opts;
    const step = this.run.globalStep;
    const finishedNormally = stopReason === 'max_steps' || stopReason === 'end_of_data';
    if (finishedNormally && o.evaluate && (o.evalAtEnd ?? true) && loop.lastEvalStep !== step) {
      this.appendRecord(loop, { step, ...(await this.evaluateNow(loop.progress)) });
    }
    const wantSave = finishedNormally ? (o.saveAtEnd ?? true) : true;
    if (o.outputDir && wantSave && loop.lastSaveStep !== step) await this.saveCheckpoint(loop.progress);
    if (o.outputDir && loop.metricsLog) {
      writeLossCurveSvg(loop.metricsLog.path, join(o.outputDir, 'loss_curve.svg'));
    }
  }

  private result(stopReason: StopReason): TrainResult {
    const result: TrainResult = {
      globalStep: this.run.globalStep,
      stopReason,
      lastCheckpoint: this.lastCheckpoint,
      best: this.bestTracker.best,
    };
    const signal = this.stopRequested?.signal;
    if (signal) result.signal = signal;
    if (stopReason === 'signal' && signal) result.exitCode = signalExitCode(signal);
    return result;
  }

  /** Apply `saveTotalLimit`, sparing the last checkpoint (saved or resumed from) and the best one. */
  private async pruneNow(outputDir: string, limit: number): Promise<void> {
    await pruneKeeping(outputDir, limit, [this.lastCheckpoint, this.bestTracker.best?.checkpoint]);
  }

  private async evaluateNow(progress: ProgressReporter): Promise<Record<string, number>> {
    const out = await runEvaluation(this.opts.evaluate!, this.run.globalStep, this.opts.model, progress);
    this.bestTracker.add(this.run.globalStep, out);
    return out;
  }

  /** The next micro-batch, starting the next epoch when the source has epochs and the run has more. */
  private async nextBatch(): Promise<B | null> {
    const src = this.opts.trainData;
    const b = await src.next();
    if (b !== null) return b;
    const epochs = this.opts.epochs;
    if (!src.startEpoch || (epochs !== undefined && this.run.epoch + 1 >= Math.ceil(epochs))) return null;
    this.run.epoch += 1;
    await src.startEpoch(this.run.epoch);
    const again = await src.next();
    if (again === null)
      throw new Error(`Trainer: trainData returned no batch at the start of epoch ${this.run.epoch}`);
    return again;
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
