/**
 * Learning-rate schedules as pure functions of the optimizer step.
 *
 * `step` is the number of optimizer updates already applied (0 for the first update), exactly like optax's
 * `count` and PyTorch's `LambdaLR`: with warmup the first update therefore uses learning rate 0.
 * Shapes follow `optax.join_schedules([linear 0 → peak over W], [decay over T − W], boundaries=[W])`
 * as used by the official `pretrain.py` / `run_glue.py` (docs/guide/architecture.md#pretraining-recipe, docs/guide/architecture.md#finetuning-recipe).
 */

/** The decay after warmup. */
export type ScheduleKind = 'constant' | 'linear' | 'cosine';

/** A schedule: kind, peak learning rate, length and warmup. */
export interface ScheduleConfig {
  kind: ScheduleKind;
  /** Peak learning rate (reached at the end of warmup). */
  peakLearningRate: number;
  /** Total number of optimizer steps T (the decay reaches its end value at step T). */
  totalSteps: number;
  /** Warmup steps W (may be fractional, as in the official `run_glue.py`: `W = T · warmup_rate`). */
  warmupSteps?: number;
  /** Warmup as a fraction of `totalSteps`; used when `warmupSteps` is not given. W = ratio · T, not rounded. */
  warmupRatio?: number;
  /** Cosine floor: the rate decays to `alpha · peak` (optax `cosine_decay_schedule` alpha). Default 0.1. */
  alpha?: number;
}

/** Resolved warmup length W of a schedule (throws on bad values). */
export function warmupStepsOf(config: ScheduleConfig): number {
  const { totalSteps, warmupSteps, warmupRatio } = config;
  if (!(Number.isFinite(totalSteps) && totalSteps > 0)) {
    throw new Error(`schedule: totalSteps must be a positive number, got ${totalSteps}`);
  }
  if (warmupSteps !== undefined) {
    if (!(warmupSteps >= 0 && warmupSteps <= totalSteps)) {
      throw new Error(`schedule: warmupSteps must be in [0, totalSteps=${totalSteps}], got ${warmupSteps}`);
    }
    return warmupSteps;
  }
  if (warmupRatio !== undefined) {
    if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
      throw new Error(`schedule: warmupRatio must be in [0, 1], got ${warmupRatio}`);
    }
    return warmupRatio * totalSteps;
  }
  return 0;
}

/**
 * Learning rate used by the update with index `step` (0-based).
 *
 * - warmup (step < W): `peak · step / W` (linear from 0);
 * - `constant`: `peak`;
 * - `linear`: `peak · (1 − min(t, D) / D)` with `t = step − W`, `D = T − W` (0 at and after T);
 * - `cosine`: `peak · ((1 − alpha) · ½(1 + cos(π · min(t, D) / D)) + alpha)` (floor `alpha · peak`).
 *
 * @example
 * learningRateAt({ kind: 'cosine', peakLearningRate: 6e-4, totalSteps: 100, warmupSteps: 10 }, 10); // 6e-4
 * learningRateAt({ kind: 'cosine', peakLearningRate: 6e-4, totalSteps: 100, warmupSteps: 10 }, 100); // 6e-5
 */
export function learningRateAt(config: ScheduleConfig, step: number): number {
  const peak = config.peakLearningRate;
  if (!(Number.isFinite(peak) && peak >= 0)) {
    throw new Error(`schedule: peakLearningRate must be a finite number >= 0, got ${peak}`);
  }
  if (!(Number.isFinite(step) && step >= 0)) throw new Error(`schedule: step must be >= 0, got ${step}`);
  const warmup = warmupStepsOf(config);
  if (step < warmup) return (peak * step) / warmup;
  const decaySteps = config.totalSteps - warmup;
  const t = step - warmup;
  switch (config.kind) {
    case 'constant':
      return peak;
    case 'linear': {
      if (decaySteps <= 0) return peak; // optax linear_schedule with transition_steps <= 0 returns init_value
      return peak * (1 - Math.min(t, decaySteps) / decaySteps);
    }
    case 'cosine': {
      const alpha = config.alpha ?? 0.1;
      if (!(alpha >= 0 && alpha <= 1)) throw new Error(`schedule: alpha must be in [0, 1], got ${alpha}`);
      if (decaySteps <= 0) return peak;
      const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(t, decaySteps)) / decaySteps));
      return peak * ((1 - alpha) * cosine + alpha);
    }
    default:
      throw new Error(
        `schedule: kind must be 'constant' | 'linear' | 'cosine', got '${String((config as { kind: unknown }).kind)}'`,
      );
  }
}

/**
 * A schedule as a function `step → learning rate` (validated once).
 *
 * @example
 * const lr = makeSchedule({ kind: 'linear', peakLearningRate: 2e-5, totalSteps: 1000, warmupRatio: 0.1 });
 * lr(100); // 2e-5 (end of warmup), lr(1000) === 0
 */
export function makeSchedule(config: ScheduleConfig): (step: number) => number {
  learningRateAt(config, 0);
  return (step) => learningRateAt(config, step);
}
