import type { Module } from '@bigs/gated-blocks';
import type { ProgressReporter } from '../logging/progress.js';
import { BestTracker } from './best-model.js';
import type { EvalFn, TrainResult } from './types.js';

/** The best checkpoint record a Trainer keeps (`TrainResult.best`, `trainer_state.json`'s `best`). */
export type BestCheckpoint = NonNullable<TrainResult['best']>;

/**
 * Run `evaluate`, prefix its keys with `eval_` (unless they have it) and print them as one progress line.
 */
export async function runEvaluation(
  evaluate: EvalFn,
  step: number,
  model: Module,
  progress: ProgressReporter,
): Promise<Record<string, number>> {
  const raw = await evaluate({ step, model });
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) out[k.startsWith('eval_') ? k : `eval_${k}`] = v;
  progress.message(
    `eval @ step ${step}: ${Object.entries(out)
      .map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`)
      .join(' | ')}`,
  );
  return out;
}

/**
 * The Trainer's best tracking of `metric` (`metricForBest`, with its `eval_` prefix) over evaluations: a
 * {@link BestTracker} of checkpoint records, whose `checkpoint` is filled in when the step is saved. Without a
 * metric nothing is tracked (a restored record is kept as it is).
 */
export class BestCheckpointTracker {
  private readonly tracker: BestTracker<BestCheckpoint>;

  constructor(
    readonly metric: string | undefined,
    greaterIsBetter = true,
  ) {
    this.tracker = new BestTracker({ score: (r) => r.value, greaterIsBetter });
  }

  get best(): BestCheckpoint | null {
    return this.tracker.best;
  }

  /** Restore from a checkpoint's trainer state. */
  restore(best: BestCheckpoint | null): void {
    this.tracker.restore(best);
  }

  /** Record the evaluation at `step`; throws when `metric` is not among `metrics`. */
  add(step: number, metrics: Record<string, number>): void {
    if (this.metric === undefined) return;
    const value = metrics[this.metric];
    if (value === undefined) {
      throw new Error(
        `Trainer: metricForBest '${this.metric}' is not among the eval metrics (${Object.keys(metrics).join(', ')})`,
      );
    }
    this.tracker.add({ metric: this.metric, value, step, checkpoint: null });
  }

  /** A checkpoint of `step` was written at `path`: remember it when `step` is the best. */
  saved(step: number, path: string): void {
    const b = this.tracker.best;
    if (b && b.step === step) b.checkpoint = path;
  }
}
