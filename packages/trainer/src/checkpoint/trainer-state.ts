import { z } from 'zod';
import type { MetricsRecord } from '../logging/metrics-log.js';
import type { ScheduleConfig } from '../optim/schedule.js';

/** File names inside a `checkpoint-<step>` directory (besides the model files written by `saveModel`). */
export const TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FORMAT = 'bigs-trainer-state';

/** A JSON number that `JSON.stringify` may have written as null (NaN, ±Infinity): read back as NaN. */
const jsonNumber = z.union([z.number({ error: 'must be a number' }), z.null().transform(() => Number.NaN)]);
const int = z.int({ error: 'must be an integer' });
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.object(shape, { error: 'must be an object' });

/** The one definition of `trainer_state.json` (version 1): its TypeScript type and its validation. */
export const TRAINER_STATE_SCHEMA = obj({
  format: z.literal(TRAINER_STATE_FORMAT, { error: `must be '${TRAINER_STATE_FORMAT}'` }),
  version: z.literal(1, { error: 'must be 1' }),
  /** Completed optimizer steps; the checkpoint directory is `checkpoint-<global_step>`. */
  global_step: int,
  max_steps: int,
  /** Epoch counter (0-based) of the data source at save time. */
  epoch: int,
  tokens_seen: jsonNumber,
  elapsed_seconds: jsonNumber,
  gradient_accumulation_steps: int,
  optimizer: obj({
    type: z.literal('adamw', { error: "must be 'adamw'" }),
    step: int,
    beta1: jsonNumber,
    beta2: jsonNumber,
    epsilon: jsonNumber,
    file: z.string({ error: 'must be a string' }),
  }),
  /** The schedule (a pure function of the step) and the last learning rate used. */
  scheduler: z.looseObject(
    {
      kind: z.enum(['constant', 'linear', 'cosine'], { error: "must be 'constant' | 'linear' | 'cosine'" }),
      peakLearningRate: jsonNumber,
      totalSteps: jsonNumber,
      warmupSteps: jsonNumber.optional(),
      warmupRatio: jsonNumber.optional(),
      alpha: jsonNumber.optional(),
      last_learning_rate: jsonNumber,
    },
    { error: 'must be an object' },
  ),
  /** All randomness derives from the run seed through `scheme`. */
  rng: obj({ seed: int, scheme: z.string({ error: 'must be a string' }) }),
  /** `trainData.getCursor()` at save time. */
  data_cursor: z.unknown(),
  /** Partial logging window (so the next logged mean is identical after a resume). */
  log_window: obj({
    lossSum: jsonNumber,
    steps: int,
    tokens: jsonNumber,
    seconds: jsonNumber,
    metricSums: z.record(z.string(), jsonNumber, { error: 'must be an object of numbers' }),
  }),
  /** Every metrics record written so far (the `metrics.jsonl` lines up to this step). */
  log_history: z.array(
    z
      .object({ step: z.number({ error: 'must be a number' }) }, { error: 'must be an object' })
      .catchall(z.union([z.number(), z.string(), z.null()], { error: 'must be a number, string or null' })),
    { error: 'must be an array of metrics records' },
  ),
  best: obj({
    metric: z.string({ error: 'must be a string' }),
    value: jsonNumber,
    step: int,
    checkpoint: z.string({ error: 'must be a string or null' }).nullable(),
  }).nullable(),
});

/** Contents of `trainer_state.json` (version 1). */
export type TrainerStateFile = z.output<typeof TRAINER_STATE_SCHEMA> & {
  scheduler: ScheduleConfig;
  log_history: MetricsRecord[];
};

/**
 * Check the parsed `trainer_state.json` and return it typed; throws naming the file, the field (dotted path) and
 * what it must be.
 *
 * @example
 * validateTrainerState({ format: 'bigs-trainer-state', version: 1 }, 'ckpt/trainer_state.json');
 * // throws "ckpt/trainer_state.json: global_step must be an integer, got undefined"
 */
export function validateTrainerState(raw: unknown, source: string): TrainerStateFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${source}: expected a JSON object`);
  }
  const r = TRAINER_STATE_SCHEMA.safeParse(raw);
  if (r.success) return r.data as TrainerStateFile;
  const issue = r.error.issues[0]!;
  let value: unknown = raw;
  for (const k of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const got = typeof value === 'string' ? `'${value}'` : String(JSON.stringify(value));
  throw new Error(`${source}: ${issue.path.join('.')} ${issue.message}, got ${got}`);
}
