import { join } from 'node:path';
import { writeFileAtomic } from '@bigs/models';
import type { EvalRecord } from './metrics.js';
import type { TaskName } from './tasks.js';

/** The content of `<output-dir>/eval_results.json`. */
export interface EvalResultsFile {
  task: TaskName;
  model_name_or_path: string;
  /** What selects the best evaluation: `combined_score`, the mean of the task's metrics (GLUE's task score). */
  metric_for_best: 'combined_score';
  /** Best-of-run evaluation (the paper reports these, docs/guide/architecture.md#finetuning-recipe): step, epoch and metrics. */
  best: Record<string, number> | null;
  /** The last evaluation (at the last step). */
  final: Record<string, number> | null;
  /** Training summary. */
  train: Record<string, number | string | boolean>;
  /** The majority-class baseline on the same evaluation splits (`null` for regression). */
  majority_baseline?: { label: number; [metric: string]: number } | null;
}

/** Flatten an evaluation record to `{ step, epoch, <metric>: value }` (NaN becomes null in JSON). */
export function flatRecord(r: EvalRecord | null): Record<string, number> | null {
  return r === null ? null : { step: r.step, epoch: r.epoch, ...r.metrics };
}

/**
 * Write `eval_results.json` atomically (temp file + rename).
 *
 * @example
 * await writeEvalResults('runs/finetune-rte', { task: 'rte', … }); // runs/finetune-rte/eval_results.json
 */
export async function writeEvalResults(dir: string, content: EvalResultsFile): Promise<string> {
  const path = join(dir, 'eval_results.json');
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

/**
 * One GLUE submission file's text: header `index\tprediction`, then one row per test example. Classification
 * writes the label name where GLUE expects names (MNLI, AX, QNLI, RTE: `entailment` / `not_entailment` /
 * `neutral` / `contradiction`) and the label id elsewhere (CoLA, SST-2, MRPC, QQP, WNLI: 0/1); regression
 * (STS-B) writes the score clipped to [0, 5].
 *
 * @example
 * submissionText(['0', '1'], [2, 0], { labelNames: ['entailment', 'neutral', 'contradiction'], names: true });
 * // 'index\tprediction\n0\tcontradiction\n1\tentailment\n'
 */
export function submissionText(
  ids: readonly string[],
  predictions: ArrayLike<number>,
  spec: { labelNames: string[] | null; names: boolean },
): string {
  if (ids.length !== predictions.length) {
    throw new Error(`submission: ${ids.length} ids but ${predictions.length} predictions`);
  }
  const rows = ['index\tprediction'];
  for (let i = 0; i < ids.length; i++) {
    const p = predictions[i]!;
    let v: string;
    if (spec.labelNames === null) v = String(Number(Math.min(5, Math.max(0, p)).toFixed(5)));
    else if (spec.names) v = spec.labelNames[p] ?? String(p);
    else v = String(p);
    rows.push(`${ids[i]}\t${v}`);
  }
  return `${rows.join('\n')}\n`;
}

/** One task's numbers for the GLUE table (fractions in [0, 1], or NaN). */
export type SuiteResults = Partial<Record<TaskName, Record<string, number>>>;

interface Column {
  header: string;
  task: TaskName;
  keys: string[];
}

/** The columns of the official GLUE.md table (docs/guide/architecture.md#finetuning-recipe), then WNLI. */
export const GLUE_COLUMNS: readonly Column[] = [
  { header: 'CoLA (MCC)', task: 'cola', keys: ['matthews_correlation'] },
  { header: 'SST-2', task: 'sst2', keys: ['accuracy'] },
  { header: 'QQP acc/F1', task: 'qqp', keys: ['accuracy', 'f1'] },
  { header: 'MNLI m/mm', task: 'mnli', keys: ['accuracy', 'accuracy_mm'] },
  { header: 'QNLI', task: 'qnli', keys: ['accuracy'] },
  { header: 'MRPC F1/acc', task: 'mrpc', keys: ['f1', 'accuracy'] },
  { header: 'STS-B P/S', task: 'stsb', keys: ['pearson', 'spearmanr'] },
  { header: 'RTE', task: 'rte', keys: ['accuracy'] },
  { header: 'WNLI', task: 'wnli', keys: ['accuracy'] },
];

const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : (100 * v).toFixed(1);

/**
 * The GLUE average: each task's score is the unweighted mean of its metrics (MNLI: of m and mm accuracy), and the
 * average is the mean of the task scores over the tasks that ran (NaN metrics count as 0). null when none ran.
 *
 * @example
 * glueAverage({ rte: { accuracy: 0.7 }, mrpc: { f1: 0.9, accuracy: 0.8 } }); // 0.775
 */
export function glueAverage(results: SuiteResults): number | null {
  const scores: number[] = [];
  for (const c of GLUE_COLUMNS) {
    const r = results[c.task];
    if (!r) continue;
    const vals = c.keys.map((k) => r[k]).map((v) => (v !== undefined && Number.isFinite(v) ? v : 0));
    scores.push(vals.reduce((a, b) => a + b, 0) / vals.length);
  }
  return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
}

/**
 * The markdown table of a suite run, laid out like the official GLUE.md (percentages, one decimal; "–" for a
 * task that did not run), with the GLUE average in the last column.
 *
 * @example
 * glueTable({ rte: { accuracy: 0.798 } }); // '| CoLA (MCC) | SST-2 | … | RTE | WNLI | Avg |\n|---|…|\n| – | – | … | 79.8 | – | 79.8 |\n'
 */
export function glueTable(results: SuiteResults): string {
  const header = [...GLUE_COLUMNS.map((c) => c.header), 'Avg'];
  const cells = GLUE_COLUMNS.map((c) => {
    const r = results[c.task];
    return r ? c.keys.map((k) => pct(r[k])).join('/') : '–';
  });
  const avg = glueAverage(results);
  cells.push(avg === null ? '–' : pct(avg));
  return `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n| ${cells.join(' | ')} |\n`;
}
