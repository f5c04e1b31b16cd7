/** Options of {@link BestTracker}. */
export interface BestTrackerOptions<R> {
  /** The number a record is ranked by. */
  score: (record: R) => number;
  /** Higher scores are better. Default true. */
  greaterIsBetter?: boolean;
}

/**
 * Best-model tracking, the one implementation of the package (the Trainer's `metricForBest` and the finetune
 * app's best-of-run evaluation use it): keeps the best record by `score` (the first one on ties), the latest one
 * and the history.
 *
 * @example
 * const t = new BestTracker<{ step: number; acc: number }>({ score: (r) => r.acc });
 * t.add({ step: 1, acc: 0.5 }); // true
 * t.add({ step: 2, acc: 0.4 }); // false
 * t.best; // { step: 1, acc: 0.5 }
 */
export class BestTracker<R> {
  best: R | null = null;
  last: R | null = null;
  readonly history: R[] = [];
  private readonly score: (record: R) => number;
  private readonly greater: boolean;

  constructor(options: BestTrackerOptions<R>) {
    this.score = options.score;
    this.greater = options.greaterIsBetter ?? true;
  }

  /** True when `record` would become the new best. */
  isBetter(record: R): boolean {
    if (this.best === null) return true;
    const s = this.score(record);
    const b = this.score(this.best);
    return this.greater ? s > b : s < b;
  }

  /** Record an evaluation; returns true when it is the new best. */
  add(record: R): boolean {
    this.history.push(record);
    this.last = record;
    if (!this.isBetter(record)) return false;
    this.best = record;
    return true;
  }

  /** Restore the best record (e.g. from a checkpoint's trainer state). */
  restore(best: R | null): void {
    this.best = best;
  }
}
