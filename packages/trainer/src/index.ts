/**
 * @packageDocumentation
 * `@bigs/trainer`: AdamW with parameter groups, learning-rate schedules, gradient clipping and accumulation,
 * the training loop with seeded dropout contexts, atomic checkpoints with exact resume, a JSON-lines metrics
 * log with progress display and a loss-curve SVG, plus MLM and GLUE metrics.
 */

export {
  CHECKPOINT_PREFIX,
  type CheckpointEntry,
  checkpointStep,
  latestCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  removeStaleTemporaries,
  writeCheckpointAtomic,
} from './checkpoint/checkpoint-dir.js';
export { DEFAULT_MODEL_FILE, loadModuleWeights, saveModuleWeights } from './checkpoint/model-weights.js';
export {
  checkOutputDir,
  checkResumeState,
  prepareRunDir,
  RunDirError,
  type RunDirOptions,
  safeToDelete,
} from './checkpoint/run-dir.js';
export {
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
  type TrainerStateFile,
  validateTrainerState,
} from './checkpoint/trainer-state.js';
export {
  type LossCurveOptions,
  renderLossCurveSvg,
  writeLossCurveSvg,
} from './logging/loss-curve-svg.js';
export { MetricsLog, type MetricsRecord, readMetrics } from './logging/metrics-log.js';
export {
  formatDuration,
  type ProgressInfo,
  type ProgressMode,
  ProgressReporter,
  type ProgressStream,
} from './logging/progress.js';
export { BestTracker, type BestTrackerOptions } from './loop/best-model.js';
export { stepsForEpochs } from './loop/epoch-steps.js';
export { FAULT_POINTS_ENV, faultPoint, faultPointSync } from './loop/fault-points.js';
export type { TrainerOptions } from './loop/options.js';
export {
  checkRunEstimate,
  type EstimateCheck,
  type EstimateFlagHints,
  engineMemoryLimit,
  estimateRun,
  formatSeconds,
  LONG_RUN_WARNING_HOURS,
  measuredEstimate,
  measurePeakFlops,
  type RunEstimate,
  type RunEstimateInput,
  statedPeakFlops,
  WASM_HEAP_LIMIT_BYTES,
} from './loop/run-estimate.js';
export { RNG_SCHEME, stepSeed, trainContext } from './loop/seed.js';
export {
  isSupervisedChild,
  onStopSignals,
  SIGNAL_REPEAT_WINDOW_MS,
  STOP_SIGNALS,
  type StopHandlers,
  type StopSignal,
  SUPERVISED_ENV,
  signalExitCode,
  stopNow,
} from './loop/signals.js';
export {
  ACK_MESSAGE,
  attachToLauncher,
  NO_SUPERVISOR_ENV,
  runSupervised,
  type SuperviseOptions,
  shouldSupervise,
} from './loop/supervisor.js';
export {
  type BiGSFlopsShape,
  bigsTrainingFlopsPerToken,
  denseTrainingFlopsPerToken,
  type FlopsBreakdown,
  type FlopsModel,
  mfu,
  mixingFlopsPerToken,
  mlmHeadFlopsPerToken,
  trainingFlopsPerToken,
} from './loop/throughput.js';
export { Trainer, train } from './loop/trainer.js';
export {
  type Batch,
  type BatchSource,
  type EvalFn,
  type LossFn,
  NonFiniteError,
  type StepInfo,
  type StopReason,
  type TrainResult,
} from './loop/types.js';
export {
  accuracy,
  averageRanks,
  f1Score,
  type GlueMetricTask,
  glueMetrics,
  matthewsCorrelation,
  pearson,
  spearman,
} from './metrics/glue.js';
export { type MlmBatchStats, MlmEvalAccumulator, maskedLmStats, perplexity } from './metrics/mlm.js';
export { GradientAccumulator } from './optim/accumulate.js';
export { AdamW, type AdamWConfig, type AdamWState, FINETUNE_ADAMW, PRETRAIN_ADAMW } from './optim/adamw.js';
export { clipByGlobalNorm, clipCoefficient, globalNorm } from './optim/clip.js';
export {
  type GroupOverride,
  type ParamGroupConfig,
  type ResolvedParam,
  resolveParamGroups,
} from './optim/param-groups.js';
export {
  learningRateAt,
  makeSchedule,
  type ScheduleConfig,
  type ScheduleKind,
  warmupStepsOf,
} from './optim/schedule.js';
