import type { MetricsRecord } from '../logging/metrics-log.js';
import type { ScheduleConfig } from '../optim/schedule.js';

/** File names inside a `checkpoint-<step>` directory (besides the model files written by `saveModel`). */
export const TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FORMAT = 'bigs-trainer-state';

/** Contents of `trainer_state.json` (version 1). */
export interface TrainerStateFile {
  format: typeof TRAINER_STATE_FORMAT;
  version: 1;
  /** Completed optimizer steps; the checkpoint directory is `checkpoint-<global_step>`. */
  global_step: number;
  max_steps: number;
  /** Epoch counter (0-based) of the data source at save time. */
  epoch: number;
  tokens_seen: number;
  elapsed_seconds: number;
  gradient_accumulation_steps: number;
  optimizer: { type: 'adamw'; step: number; beta1: number; beta2: number; epsilon: number; file: string };
  /** The schedule (a pure function of the step) and the last learning rate used. */
  scheduler: ScheduleConfig & { last_learning_rate: number };
  /** All randomness derives from the run seed through `scheme`. */
  rng: { seed: number; scheme: string };
  /** `trainData.getCursor()` at save time. */
  data_cursor: unknown;
  /** Partial logging window (so the next logged mean is identical after a resume). */
  log_window: {
    lossSum: number;
    steps: number;
    tokens: number;
    seconds: number;
    metricSums: Record<string, number>;
  };
  /** Every metrics record written so far (the `metrics.jsonl` lines up to this step). */
  log_history: MetricsRecord[];
  best: { metric: string; value: number; step: number; checkpoint: string | null } | null;
}

/** Check the parsed `trainer_state.json` and return it typed; throws naming the file and the bad field. */
export function validateTrainerState(raw: unknown, source: string): TrainerStateFile {
  const s = raw as Partial<TrainerStateFile> | null;
  if (!s || typeof s !== 'object') throw new Error(`${source}: expected a JSON object`);
  if (s.format !== TRAINER_STATE_FORMAT) {
    throw new Error(`${source}: format must be '${TRAINER_STATE_FORMAT}', got '${String(s.format)}'`);
  }
  if (s.version !== 1) throw new Error(`${source}: version must be 1, got ${String(s.version)}`);
  const ints: Array<[string, unknown]> = [
    ['global_step', s.global_step],
    ['epoch', s.epoch],
    ['gradient_accumulation_steps', s.gradient_accumulation_steps],
    ['optimizer.step', s.optimizer?.step],
    ['rng.seed', s.rng?.seed],
  ];
  for (const [k, v] of ints) {
    if (!Number.isInteger(v)) throw new Error(`${source}: ${k} must be an integer, got ${String(v)}`);
  }
  if (!s.log_window || !Array.isArray(s.log_history) || !s.scheduler) {
    throw new Error(`${source}: log_window, log_history and scheduler are required`);
  }
  return s as TrainerStateFile;
}
