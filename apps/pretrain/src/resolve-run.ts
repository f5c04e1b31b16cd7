import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type FlagValues, UsageError } from './flags.js';
import { getPreset, PRESETS, type Preset, type TrainingDefaults } from './presets.js';

/** Every setting of a run after presets, `--config` and flags are merged. */
export interface ResolvedRun {
  presetName: string;
  preset: Preset;
  /** A config.json given as `--model-config` (instead of a preset's model). */
  modelConfigFile: string | null;
  training: TrainingDefaults & {
    numTrainEpochs?: number;
    warmupRatio?: number;
    maxGradNorm: number;
    seed: number;
    evalBatchSize: number;
  };
  outputDir: string;
  flags: FlagValues;
}

/** A numeric flag value, or undefined when not given. */
export const num = (f: FlagValues, k: string) => f[k] as number | undefined;

/**
 * Merge a preset's defaults with the flags. `--model-config` is a preset name or a config.json path (a file
 * takes the tiny preset's training defaults).
 *
 * @example
 * resolveRun(resolveFlags([])).training.maxSteps; // the tiny preset's step count
 */
export function resolveRun(flags: FlagValues): ResolvedRun {
  const mc = (flags['model-config'] as string | undefined) ?? 'tiny';
  let preset: Preset;
  let modelConfigFile: string | null = null;
  if (PRESETS[mc]) preset = getPreset(mc);
  else if (existsSync(mc)) {
    modelConfigFile = statSync(mc).isDirectory() ? join(mc, 'config.json') : mc;
    if (!existsSync(modelConfigFile)) throw new UsageError(`--model-config: ${mc} holds no config.json`);
    preset = getPreset('tiny');
  } else {
    throw new UsageError(
      `--model-config must be a preset (${Object.keys(PRESETS).join(', ')}) or a config.json path, got "${mc}"`,
    );
  }
  const t = preset.training;
  const pick = <K extends keyof TrainingDefaults>(flag: string, key: K): TrainingDefaults[K] =>
    (flags[flag] as TrainingDefaults[K] | undefined) ?? t[key];
  const warmupGiven = flags['warmup-steps'] !== undefined;
  const training: ResolvedRun['training'] = {
    maxSteps: pick('max-steps', 'maxSteps'),
    seqLength: pick('max-seq-length', 'seqLength'),
    batchSize: pick('per-device-train-batch-size', 'batchSize'),
    gradientAccumulationSteps: pick('gradient-accumulation-steps', 'gradientAccumulationSteps'),
    learningRate: pick('learning-rate', 'learningRate'),
    beta1: pick('adam-beta1', 'beta1'),
    beta2: pick('adam-beta2', 'beta2'),
    epsilon: pick('adam-epsilon', 'epsilon'),
    weightDecay: pick('weight-decay', 'weightDecay'),
    warmupSteps: pick('warmup-steps', 'warmupSteps'),
    scheduler: pick('lr-scheduler-type', 'scheduler'),
    cosineAlpha: pick('cosine-alpha', 'cosineAlpha'),
    loggingSteps: pick('logging-steps', 'loggingSteps'),
    evalSteps: pick('eval-steps', 'evalSteps'),
    saveSteps: pick('save-steps', 'saveSteps'),
    saveTotalLimit: pick('save-total-limit', 'saveTotalLimit'),
    maxGradNorm: num(flags, 'max-grad-norm') ?? 0,
    seed: num(flags, 'seed') ?? 42,
    evalBatchSize:
      num(flags, 'per-device-eval-batch-size') ?? pick('per-device-train-batch-size', 'batchSize'),
  };
  const mes = num(flags, 'max-eval-samples') ?? t.maxEvalSamples;
  if (mes !== undefined) training.maxEvalSamples = mes;
  const epochs = num(flags, 'num-train-epochs');
  if (epochs !== undefined && flags['max-steps'] === undefined) training.numTrainEpochs = epochs;
  const ratio = num(flags, 'warmup-ratio');
  if (ratio !== undefined && !warmupGiven) training.warmupRatio = ratio;
  const name = modelConfigFile ? basename(mc).replace(/\.json$/, '') : preset.name;
  const outputDir = (flags['output-dir'] as string | undefined) ?? join('runs', `pretrain-${name}`);
  return { presetName: preset.name, preset, modelConfigFile, training, outputDir, flags };
}
