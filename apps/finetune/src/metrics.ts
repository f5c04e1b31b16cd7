import { accuracy, BestTracker, f1Score, matthewsCorrelation, pearson, spearman } from '@bigs/trainer';
import type { TaskName } from './tasks.js';

/** One evaluation: the step, the epoch (fractional) and the metrics (HF names; `_mm` for MNLI mismatched). */
export interface EvalRecord {
  step: number;
  epoch: number;
  /** e.g. `{ accuracy, f1, loss, combined_score }`; NaN (e.g. Pearson of constant predictions) is kept as NaN. */
  metrics: Record<string, number>;
}

/**
 * The GLUE metrics of one evaluation split, named as the HF `glue` metric names them, with `suffix` appended
 * (`_mm` for MNLI mismatched, as HF `run_glue.py`): CoLA `matthews_correlation`; MRPC, QQP (and the embedded tasks)
 * `accuracy` + `f1` (F1 of the positive class 1); STS-B `pearson` + `spearmanr` (on the raw regression outputs);
 * every other task `accuracy`.
 *
 * @example
 * splitMetrics('mrpc', [1, 0, 1, 1], [1, 0, 0, 1]); // { accuracy: 0.75, f1: 0.8 }
 */
export function splitMetrics(
  task: TaskName,
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  suffix = '',
): Record<string, number> {
  const out: Record<string, number> = {};
  switch (task) {
    case 'cola':
      out.matthews_correlation = matthewsCorrelation(predictions, labels);
      break;
    case 'mrpc':
    case 'qqp':
    case 'embedded':
    case 'wordnet':
      out.accuracy = accuracy(predictions, labels);
      out.f1 = f1Score(predictions, labels, 1);
      break;
    case 'stsb':
      out.pearson = pearson(predictions, labels);
      out.spearmanr = spearman(predictions, labels);
      break;
    default:
      out.accuracy = accuracy(predictions, labels);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k + suffix, v]));
}

/** Metric keys that make up a task's score (every metric of every eval split, no loss). */
export function scoreKeys(metrics: Record<string, number>): string[] {
  return Object.keys(metrics).filter((k) => !/(^|_)loss(_mm)?$/.test(k) && k !== 'combined_score');
}

/**
 * The task score GLUE uses: the unweighted mean of the task's metrics (MRPC: F1 and accuracy; STS-B: Pearson
 * and Spearman; MNLI: matched and mismatched accuracy). NaN metrics count as 0 here. It is what the best-of-run
 * evaluation is chosen by, and what the GLUE average averages.
 *
 * @example
 * taskScore({ accuracy: 0.8, f1: 0.9, loss: 0.4 }); // 0.85
 */
export function taskScore(metrics: Record<string, number>): number {
  const keys = scoreKeys(metrics);
  if (keys.length === 0) throw new Error('taskScore: no metric to average');
  let s = 0;
  for (const k of keys) {
    const v = metrics[k]!;
    s += Number.isFinite(v) ? v : 0;
  }
  return s / keys.length;
}

/**
 * The best-of-run tracker of a task (`BestTracker` of @bigs/trainer): the highest `combined_score` (else
 * {@link taskScore}), the first one on ties, plus the latest evaluation and the history.
 *
 * @example
 * const t = taskBestTracker();
 * t.add({ step: 1, epoch: 0.5, metrics: { accuracy: 0.5 } }); // true
 */
export function taskBestTracker(): BestTracker<EvalRecord> {
  return new BestTracker<EvalRecord>({ score: (r) => r.metrics.combined_score ?? taskScore(r.metrics) });
}

/** What always answering the training set's most frequent label scores. */
export interface MajorityBaseline {
  /** The label id predicted for every example. */
  label: number;
  /** The task's metrics of that constant prediction on each evaluation split (suffixes as {@link splitMetrics}). */
  metrics: Record<string, number>;
}

/**
 * The majority-class baseline of a classification task: predict the most frequent training label (the lowest
 * id on ties) for every evaluation example and score it with the task's metrics. Regression tasks have none.
 *
 * @example
 * majorityBaseline('embedded', [0, 0, 1], [{ suffix: '', labels: [0, 1, 0, 0] }]); // { label: 0, metrics: { accuracy: 0.75, f1: 0 } }
 */
export function majorityBaseline(
  task: TaskName,
  trainLabels: ArrayLike<number>,
  evalSplits: ReadonlyArray<{ suffix: string; labels: ArrayLike<number> }>,
): MajorityBaseline | null {
  if (task === 'stsb' || trainLabels.length === 0) return null;
  const counts = new Map<number, number>();
  for (let i = 0; i < trainLabels.length; i++) {
    const y = trainLabels[i] as number;
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  let label = Number.POSITIVE_INFINITY;
  let most = -1;
  for (const [y, n] of counts) if (n > most || (n === most && y < label)) [label, most] = [y, n];
  const metrics: Record<string, number> = {};
  for (const s of evalSplits) {
    Object.assign(
      metrics,
      splitMetrics(task, new Array<number>(s.labels.length).fill(label), s.labels, s.suffix),
    );
  }
  return { label, metrics };
}
