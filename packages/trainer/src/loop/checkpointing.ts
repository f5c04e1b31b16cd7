import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@bigs/common';
import type { Module } from '@bigs/gated-blocks';
import type { HostTensor } from '@bigs/models';
import { readSafetensors, writeSafetensors } from '@bigs/models';
import { pruneCheckpoints, writeCheckpointAtomic } from '../checkpoint/checkpoint-dir.js';
import { loadModuleWeights, saveModuleWeights } from '../checkpoint/model-weights.js';
import {
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
  TRAINER_STATE_FORMAT,
  type TrainerStateFile,
  validateTrainerState,
} from '../checkpoint/trainer-state.js';
import type { MetricsRecord } from '../logging/metrics-log.js';
import type { AdamW } from '../optim/adamw.js';
import type { ScheduleConfig } from '../optim/schedule.js';
import { faultPoint } from './fault-points.js';
import type { LogWindow } from './log-window.js';
import { RNG_SCHEME } from './seed.js';
import type { TrainResult } from './types.js';

/** Everything of a run that a checkpoint restores besides the model and the optimizer moments. */
export interface RunState {
  seed: number;
  globalStep: number;
  epoch: number;
  tokensSeen: number;
  elapsedSeconds: number;
  window: LogWindow;
  logHistory: MetricsRecord[];
  lastLr: number;
}

/** How model weights go into and out of a checkpoint directory (default: `model.safetensors`). */
export interface ModelIo {
  model: Module;
  saveModel?: ((dir: string) => Promise<void>) | undefined;
  loadModel?: ((dir: string) => Promise<void>) | undefined;
}

/** What a checkpoint is written from. */
export interface CheckpointInput {
  outputDir: string;
  io: ModelIo;
  optimizer: AdamW;
  run: RunState;
  maxSteps: number;
  accumulation: number;
  schedule: ScheduleConfig;
  dataCursor: unknown;
  best: TrainResult['best'];
}

function trainerState(c: CheckpointInput, optimizerStep: number): TrainerStateFile {
  const { run, optimizer } = c;
  return {
    format: TRAINER_STATE_FORMAT,
    version: 1,
    global_step: run.globalStep,
    max_steps: c.maxSteps,
    epoch: run.epoch,
    tokens_seen: run.tokensSeen,
    elapsed_seconds: run.elapsedSeconds,
    gradient_accumulation_steps: c.accumulation,
    optimizer: {
      type: 'adamw',
      step: optimizerStep,
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: optimizer.epsilon,
      file: OPTIMIZER_FILE,
    },
    scheduler: { ...c.schedule, last_learning_rate: run.lastLr },
    rng: { seed: run.seed, scheme: RNG_SCHEME },
    data_cursor: JSON.parse(JSON.stringify(c.dataCursor ?? null)),
    log_window: run.window,
    log_history: run.logHistory,
    best: c.best,
  };
}

/**
 * Write `checkpoint-<globalStep>` atomically (hidden temporary, fsync, rename): model weights, AdamW moments and
 * `trainer_state.json`. Returns its path.
 */
export async function writeTrainerCheckpoint(c: CheckpointInput): Promise<string> {
  const optState = await c.optimizer.getState();
  const state = trainerState(c, optState.step);
  return writeCheckpointAtomic(c.outputDir, c.run.globalStep, async (tmp) => {
    if (c.io.saveModel) await c.io.saveModel(tmp);
    else await saveModuleWeights(c.io.model, tmp);
    await faultPoint('checkpoint-write', c.run.globalStep);
    await writeSafetensors(join(tmp, OPTIMIZER_FILE), optState.tensors, {
      format: 'bigs-adamw',
      step: String(optState.step),
    });
    await writeFileAtomic(join(tmp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
  });
}

async function readMoments(optPath: string): Promise<Record<string, HostTensor>> {
  const { tensors } = await readSafetensors(optPath);
  const moments: Record<string, HostTensor> = {};
  for (const [name, t] of tensors) {
    if (t.dtype !== 'F32')
      throw new Error(`resumeFromCheckpoint: ${optPath} tensor '${name}' is ${t.dtype}, expected F32`);
    moments[name] = { shape: t.shape, data: t.data };
  }
  return moments;
}

/**
 * Restore a `checkpoint-<step>` directory: model weights into `io.model`, AdamW moments and step into `optimizer`;
 * returns the trainer state file (checked, including that it was written with the same accumulation).
 */
export async function readTrainerCheckpoint(
  dir: string,
  io: ModelIo,
  optimizer: AdamW,
  accumulation: number,
): Promise<TrainerStateFile> {
  const statePath = join(dir, TRAINER_STATE_FILE);
  const state = validateTrainerState(JSON.parse(await readFile(statePath, 'utf8')), statePath);
  if (state.gradient_accumulation_steps !== accumulation) {
    throw new Error(
      `resumeFromCheckpoint: ${statePath} was written with gradient_accumulation_steps=${state.gradient_accumulation_steps}, this trainer uses ${accumulation}; exact resume needs the same value`,
    );
  }
  if (io.loadModel) await io.loadModel(dir);
  else await loadModuleWeights(io.model, dir);
  const moments = await readMoments(join(dir, OPTIMIZER_FILE));
  optimizer.setState({ step: state.optimizer.step, tensors: moments });
  return state;
}

/** The run state a trainer state file describes (copied, so the loop may mutate it). */
export function runStateOf(state: TrainerStateFile): RunState {
  return {
    seed: state.rng.seed,
    globalStep: state.global_step,
    epoch: state.epoch,
    tokensSeen: state.tokens_seen,
    elapsedSeconds: state.elapsed_seconds,
    window: { ...state.log_window, metricSums: { ...state.log_window.metricSums } },
    logHistory: state.log_history.map((r) => ({ ...r })),
    lastLr: state.scheduler.last_learning_rate,
  };
}

/** Apply `saveTotalLimit`, sparing the last checkpoint (saved or resumed from) and the best one. */
export async function pruneKeeping(
  outputDir: string,
  limit: number,
  keep: ReadonlyArray<string | null | undefined>,
): Promise<void> {
  await pruneCheckpoints(
    outputDir,
    limit,
    keep.filter((p): p is string => typeof p === 'string'),
  );
}
