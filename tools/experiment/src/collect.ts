import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** One line of a pretraining `metrics.jsonl` (the fields the experiment reads). */
export interface MetricsLine {
  step: number;
  loss?: number;
  eval_loss?: number;
  eval_accuracy?: number;
  tokens_seen?: number;
  elapsed_seconds?: number;
}

/** What one pretraining run produced. */
export interface PretrainOutcome {
  /** Train loss (mean of each logging window) by step. */
  train: Array<{ step: number; loss: number }>;
  /** Held-out evaluations by step. */
  evals: Array<{ step: number; loss: number; accuracy: number }>;
  tokens: number;
  /** Training wall seconds as the trainer logs them (continued across resumes). */
  seconds: number;
  /** Counted from the saved model.safetensors header. */
  parameters: number;
  /**
   * The unigram baseline of the same held-out masked tokens (training-token frequencies), from the app's
   * `learning_report.json`; null when the app did not write one.
   */
  unigramLoss: number | null;
}

/**
 * Parse `metrics.jsonl` text; a line that is not a JSON object with a numeric `step` is an error naming
 * `file:line`.
 */
export function parseMetrics(text: string, file: string): MetricsLine[] {
  const out: MetricsLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON; the run's metrics file is damaged (rerun that cell)`);
    }
    if (typeof v !== 'object' || v === null || typeof (v as MetricsLine).step !== 'number') {
      throw new Error(`${file}:${i + 1}: no numeric "step"; not a pretraining metrics.jsonl`);
    }
    out.push(v as MetricsLine);
  });
  return out;
}

/** Curves and totals of a metrics log (the last line with tokens/elapsed gives the totals). */
export function summarizeMetrics(
  lines: readonly MetricsLine[],
): Omit<PretrainOutcome, 'parameters' | 'unigramLoss'> {
  const train = lines.flatMap((l) => (typeof l.loss === 'number' ? [{ step: l.step, loss: l.loss }] : []));
  const evals = lines.flatMap((l) =>
    typeof l.eval_loss === 'number'
      ? [{ step: l.step, loss: l.eval_loss, accuracy: l.eval_accuracy ?? Number.NaN }]
      : [],
  );
  const timed = lines.filter(
    (l) => typeof l.tokens_seen === 'number' && typeof l.elapsed_seconds === 'number',
  );
  const last = timed[timed.length - 1];
  return { train, evals, tokens: last?.tokens_seen ?? 0, seconds: last?.elapsed_seconds ?? 0 };
}

/** Parameter count from a safetensors file's header (sum of the products of the tensor shapes). */
export function safetensorsParameters(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const len = Number(lenBuf.readBigUInt64LE(0));
    if (len <= 0 || len > 100_000_000)
      throw new Error(`${path}: not a safetensors file (header length ${len})`);
    const header = Buffer.alloc(len);
    readSync(fd, header, 0, len, 8);
    const json = JSON.parse(header.toString('utf8')) as Record<string, { shape?: number[] }>;
    let n = 0;
    for (const [name, t] of Object.entries(json)) {
      if (name === '__metadata__' || !Array.isArray(t.shape)) continue;
      n += t.shape.reduce((a, b) => a * b, 1);
    }
    return n;
  } finally {
    closeSync(fd);
  }
}

/** Read a finished pretraining output dir. */
export function readPretrain(dir: string): PretrainOutcome {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) throw new Error(`${file}: missing; the pretraining of this cell did not run`);
  const summary = summarizeMetrics(parseMetrics(readFileSync(file, 'utf8'), file));
  return {
    ...summary,
    parameters: safetensorsParameters(join(dir, 'model.safetensors')),
    unigramLoss: readUnigramLoss(join(dir, 'learning_report.json')),
  };
}

/** `unigramLoss` of a learning_report.json, or null when the file or the number is missing. */
export function readUnigramLoss(file: string): number | null {
  if (!existsSync(file)) return null;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { unigramLoss?: unknown };
  return typeof json.unigramLoss === 'number' ? json.unigramLoss : null;
}

/** A finetune's final dev metrics (`eval_results.json` → `final`), and the task name it reports. */
export interface FinetuneOutcome {
  task: string;
  metrics: Record<string, number>;
}

export function readFinetune(dir: string): FinetuneOutcome {
  const file = join(dir, 'eval_results.json');
  if (!existsSync(file)) throw new Error(`${file}: missing; the finetune did not finish`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    task?: string;
    final?: Record<string, number> | null;
  };
  if (!json.final) throw new Error(`${file}: no "final" evaluation`);
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(json.final)) {
    if (k !== 'step' && k !== 'epoch' && typeof v === 'number') metrics[k] = v;
  }
  return { task: json.task ?? 'unknown', metrics };
}
