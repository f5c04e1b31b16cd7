import type { Cell } from './cells.js';
import type { FinetuneOutcome, PretrainOutcome } from './collect.js';

/** What the table shows of each task: these metrics (those present), as GLUE reports them. */
export const TASK_METRICS: Readonly<Record<string, readonly string[]>> = {
  rte: ['accuracy'],
  wnli: ['accuracy'],
  mrpc: ['f1', 'accuracy'],
  stsb: ['spearmanr', 'pearson'],
};
const DEFAULT_METRICS = ['accuracy', 'f1'];

/** One seed of one cell, as measured. */
export interface SeedResult {
  seed: number;
  mlmLoss: number;
  mlmAccuracy: number;
  /** Held-out MLM loss minus the unigram baseline of the same masked tokens (NaN when unknown). */
  vsUnigram: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
  parameters: number;
  /** Task key → its final dev metrics (missing when that finetune has not finished). */
  tasks: Record<string, FinetuneOutcome>;
}

/** Mean, sample standard deviation (NaN for one seed) and count. */
export interface Spread {
  mean: number;
  sd: number;
  n: number;
}

export function spread(xs: readonly number[]): Spread {
  const v = xs.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, sd, n };
}

/** A seed's row from its pretraining outcome and finetunes. */
export function seedResult(
  seed: number,
  p: PretrainOutcome,
  tasks: Record<string, FinetuneOutcome>,
): SeedResult {
  const last = p.evals[p.evals.length - 1];
  return {
    seed,
    mlmLoss: last?.loss ?? Number.NaN,
    mlmAccuracy: last?.accuracy ?? Number.NaN,
    vsUnigram: last !== undefined && p.unigramLoss !== null ? last.loss - p.unigramLoss : Number.NaN,
    tokens: p.tokens,
    seconds: p.seconds,
    tokensPerSecond: p.seconds > 0 ? p.tokens / p.seconds : Number.NaN,
    parameters: p.parameters,
    tasks,
  };
}

/** The metrics a task column shows. */
export function taskMetricKeys(taskKey: string): readonly string[] {
  return TASK_METRICS[taskKey] ?? DEFAULT_METRICS;
}

/** Metric name → spread over the seeds that finished the task. */
export function taskSpread(seeds: readonly SeedResult[], taskKey: string): Record<string, Spread> {
  const out: Record<string, Spread> = {};
  for (const k of taskMetricKeys(taskKey)) {
    const xs = seeds.flatMap((s) =>
      s.tasks[taskKey]?.metrics[k] !== undefined ? [s.tasks[taskKey]!.metrics[k]!] : [],
    );
    if (xs.length > 0) out[k] = spread(xs);
  }
  return out;
}

const pct = (s: Spread) => fmtSpread(s, (x) => (100 * x).toFixed(1));
const fmtSpread = (s: Spread, f: (x: number) => string, fSd: (x: number) => string = f) =>
  s.n === 0 ? '–' : s.n === 1 ? f(s.mean) : `${f(s.mean)} ± ${fSd(s.sd)}`;

/** One cell of the table: its label and the seeds measured. */
export interface CellRows {
  cell: Cell;
  seeds: SeedResult[];
}

/**
 * The results as a markdown table: one row per cell, mean ± sample sd over seeds (just the value for one seed).
 * Task columns show their metrics ×100 separated by `/`; the task name the finetune app reported is in the header.
 */
export function markdownTable(rows: readonly CellRows[], taskKeys: readonly string[]): string {
  const taskName = (k: string) => {
    const names = new Set(
      rows.flatMap((r) => r.seeds.flatMap((s) => (s.tasks[k] ? [s.tasks[k]!.task] : []))),
    );
    const shown = k === 'default' && names.size > 0 ? `${[...names].join('/')} (default)` : k.toUpperCase();
    return `${shown} ${taskMetricKeys(k).join('/')}`;
  };
  const head = [
    'cell',
    'params',
    'tokens',
    'MLM loss',
    'vs unigram',
    'MLM acc %',
    ...taskKeys.map(taskName),
    'wall s',
    'tok/s',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { cell, seeds } of rows) {
    const tasks = taskKeys.map((k) => {
      const sp = taskSpread(seeds, k);
      const parts = taskMetricKeys(k).flatMap((m) => (sp[m] ? [pct(sp[m]!)] : []));
      return parts.length > 0 ? parts.join(' / ') : '–';
    });
    const cols = [
      cell.label,
      seeds[0] ? `${(seeds[0].parameters / 1e6).toFixed(3)} M` : '–',
      seeds[0] ? `${(seeds[0].tokens / 1e6).toFixed(2)} M` : '–',
      fmtSpread(spread(seeds.map((s) => s.mlmLoss)), (x) => x.toFixed(3)),
      fmtSpread(
        spread(seeds.map((s) => s.vsUnigram)),
        (x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`,
        (x) => x.toFixed(3),
      ),
      pct(spread(seeds.map((s) => s.mlmAccuracy))),
      ...tasks,
      fmtSpread(spread(seeds.map((s) => s.seconds)), (x) => x.toFixed(0)),
      fmtSpread(spread(seeds.map((s) => s.tokensPerSecond)), (x) => x.toFixed(0)),
    ];
    lines.push(`| ${cols.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
