import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '@bigs/common';

/**
 * One line of `metrics.jsonl`. Train lines carry `loss`, `learning_rate`, `grad_norm`, `tokens_per_second`,
 * `mfu` (null when no FLOP figures were given), `epoch`, `tokens_seen`, `elapsed_seconds`; eval results are
 * merged into the line of the same step as `eval_*` keys (a line with only `step` + `eval_*` when the step was
 * not a logging step). Extra train metrics returned by the loss function appear as `train_<name>`.
 */
export interface MetricsRecord {
  step: number;
  [key: string]: number | string | null;
}

/**
 * Append-only JSON-lines metrics file, one record per line, written with a synchronous append so that a line
 * is handed to the OS before training continues.
 *
 * @example
 * const log = MetricsLog.open('runs/a/metrics.jsonl', { keepUpToStep: 0 }); // fresh run: empties the file
 * log.append({ step: 10, loss: 2.5, learning_rate: 1e-4 });
 */
export class MetricsLog {
  private constructor(readonly path: string) {}

  /**
   * Open (create) the file, keeping only well-formed records with `step <= keepUpToStep` — on resume from
   * checkpoint N pass N, so the file never shows steps from an abandoned future. The rewrite is atomic
   * (temporary file + rename). With `history` (resuming from a checkpoint of another directory: its
   * `log_history`), the file starts with those records instead of its own lines.
   */
  static open(
    path: string,
    options: { keepUpToStep: number; history?: readonly MetricsRecord[] },
  ): MetricsLog {
    const kept =
      options.history !== undefined
        ? options.history.filter((r) => r.step <= options.keepUpToStep)
        : existsSync(path)
          ? readMetrics(path).filter((r) => r.step <= options.keepUpToStep)
          : [];
    writeFileAtomicSync(path, kept.map((r) => `${JSON.stringify(r, finiteOrNull)}\n`).join(''));
    return new MetricsLog(path);
  }

  /** Append one record (non-finite numbers are written as null, as JSON has no NaN). */
  append(record: MetricsRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record, finiteOrNull)}\n`);
  }
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/**
 * Read a metrics file. Malformed lines (e.g. a partial last line after a crash) are skipped.
 *
 * @example
 * readMetrics('runs/a/metrics.jsonl'); // [{ step: 10, loss: 2.5, ... }, ...]
 */
export function readMetrics(path: string): MetricsRecord[] {
  const out: MetricsRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as MetricsRecord;
      if (r && typeof r === 'object' && typeof r.step === 'number') out.push(r);
    } catch {
      // partial or corrupt line: skipped
    }
  }
  return out;
}
