/**
 * GLUE evaluation metrics as pure functions on plain arrays (same definitions as scikit-learn / scipy,
 * which the HF `glue` metric uses).
 */

type Num = ArrayLike<number>;

function checkPair(name: string, a: Num, b: Num): void {
  if (a.length !== b.length) {
    throw new Error(`${name}: predictions have ${a.length} entries but labels have ${b.length}`);
  }
  if (a.length === 0) throw new Error(`${name}: empty input`);
}

/**
 * Fraction of exact matches.
 *
 * @example
 * accuracy([1, 0, 1], [1, 1, 1]); // 0.6667
 */
export function accuracy(predictions: Num, labels: Num): number {
  checkPair('accuracy', predictions, labels);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) ok++;
  return ok / labels.length;
}

/**
 * Binary F1 of the `positive` class: 2·TP / (2·TP + FP + FN); 0 when there are no positives at all
 * (scikit-learn's `zero_division=0`).
 *
 * @example
 * f1Score([1, 1, 0, 0], [1, 0, 1, 0]); // 0.5
 */
export function f1Score(predictions: Num, labels: Num, positive = 1): number {
  checkPair('f1Score', predictions, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = predictions[i] === positive;
    const l = labels[i] === positive;
    if (p && l) tp++;
    else if (p) fp++;
    else if (l) fn++;
  }
  const d = 2 * tp + fp + fn;
  return d === 0 ? 0 : (2 * tp) / d;
}

/**
 * Matthews correlation coefficient (multiclass form of scikit-learn; the binary formula for two classes):
 * (c·s − Σₖ pₖtₖ) / √((s² − Σₖ pₖ²)(s² − Σₖ tₖ²)), 0 when the denominator is 0.
 *
 * @example
 * matthewsCorrelation([1, 1, 0, 0], [1, 0, 1, 0]); // 0
 */
export function matthewsCorrelation(predictions: Num, labels: Num): number {
  checkPair('matthewsCorrelation', predictions, labels);
  const t = new Map<number, number>();
  const p = new Map<number, number>();
  let c = 0;
  const s = labels.length;
  for (let i = 0; i < s; i++) {
    const pi = predictions[i]!;
    const li = labels[i]!;
    t.set(li, (t.get(li) ?? 0) + 1);
    p.set(pi, (p.get(pi) ?? 0) + 1);
    if (pi === li) c++;
  }
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (const [k, pk] of p) {
    tp += pk * (t.get(k) ?? 0);
    pp += pk * pk;
  }
  for (const tk of t.values()) tt += tk * tk;
  const den = Math.sqrt((s * s - pp) * (s * s - tt));
  return den === 0 ? 0 : (c * s - tp) / den;
}

/**
 * Pearson correlation coefficient (NaN when either input is constant, as scipy).
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // 0.9934
 */
export function pearson(x: Num, y: Num): number {
  checkPair('pearson', x, y);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const den = Math.sqrt(sxx * syy);
  return den === 0 ? Number.NaN : sxy / den;
}

/**
 * 1-based ranks with ties given their average rank (scipy `rankdata(method='average')`).
 *
 * @example
 * averageRanks([10, 20, 20, 30]); // [1, 2.5, 2.5, 4]
 */
export function averageRanks(x: Num): number[] {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Array<number>(x.length);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman rank correlation: Pearson on average ranks (ties handled as scipy `spearmanr`).
 *
 * @example
 * spearman([1, 2, 2, 3], [1, 3, 2, 4]); // 0.9487
 */
export function spearman(x: Num, y: Num): number {
  checkPair('spearman', x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/** GLUE task names the metrics know (HF `glue` metric config names, including `mnli_mismatched`). */
export type GlueMetricTask =
  | 'cola'
  | 'sst2'
  | 'mrpc'
  | 'qqp'
  | 'stsb'
  | 'mnli'
  | 'mnli_mismatched'
  | 'qnli'
  | 'rte'
  | 'wnli'
  | 'ax';

/**
 * The metrics the HF `glue` metric reports for a task: CoLA → `matthews_correlation`; MRPC, QQP → `accuracy`,
 * `f1`; STS-B → `pearson`, `spearmanr` (predictions are scores); others → `accuracy`.
 *
 * @example
 * glueMetrics('mrpc', [1, 0, 1], [1, 0, 0]); // { accuracy: 0.6667, f1: 0.6667 }
 */
export function glueMetrics(task: GlueMetricTask, predictions: Num, labels: Num): Record<string, number> {
  switch (task) {
    case 'cola':
      return { matthews_correlation: matthewsCorrelation(predictions, labels) };
    case 'mrpc':
    case 'qqp':
      return { accuracy: accuracy(predictions, labels), f1: f1Score(predictions, labels) };
    case 'stsb':
      return { pearson: pearson(predictions, labels), spearmanr: spearman(predictions, labels) };
    case 'sst2':
    case 'mnli':
    case 'mnli_mismatched':
    case 'qnli':
    case 'rte':
    case 'wnli':
    case 'ax':
      return { accuracy: accuracy(predictions, labels) };
    default:
      throw new Error(`glueMetrics: unknown task '${String(task)}'`);
  }
}
