import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resolveGlueSource } from '@bigs/data';
import { writeFileAtomic } from '@bigs/models';
import { checkModelDir } from './model-io.js';
import type { FinetuneOptions } from './options.js';
import { glueAverage, glueTable, type SuiteResults } from './results.js';
import { runTask, type TaskRunResult } from './run-task.js';
import { FROM_MNLI, GLUE_SUITE, type TaskName } from './tasks.js';

/** Result of `--task all`. */
export interface SuiteRunResult {
  runs: TaskRunResult[];
  /** Tasks skipped because their data is absent. */
  skipped: TaskName[];
  /** The markdown table (also in glue_results.md). */
  table: string;
  average: number | null;
}

function hasTrain(dataDir: string, task: string): boolean {
  try {
    resolveGlueSource(dataDir, task, 'train');
    return true;
  } catch {
    return false;
  }
}

/**
 * `--task all`: the GLUE suite with the official MNLI-first protocol (docs/guide/architecture.md#finetuning-recipe): MNLI is finetuned first (unless
 * `--mnli-checkpoint` is given) and its output initialises MRPC, STS-B and RTE (classifier re-initialised, HF
 * `ignore_mismatched_sizes`); the other tasks start from `--model-name-or-path`. Each task gets
 * `<output-dir>/<task>/`; the submission files are gathered in `<output-dir>/submission/`; the table of best-of-run
 * dev scores goes to stdout and `<output-dir>/glue_results.md` (+ `glue_results.json`).
 */
export async function runSuite(
  o: FinetuneOptions & { outputDir: string; log?: (m: string) => void },
): Promise<SuiteRunResult> {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const dataDir = o.dataDir!;
  const present = GLUE_SUITE.filter((t) => hasTrain(dataDir, t));
  const skipped = GLUE_SUITE.filter((t) => !present.includes(t));
  if (present.length === 0) {
    throw new Error(
      `--data-dir ${dataDir}: holds no GLUE task (expected CoLA/, MNLI/, … or cola/, mnli/, … folders)`,
    );
  }
  if (skipped.length > 0) log(`[all] no data for ${skipped.join(', ')} under ${dataDir}: skipped`);
  let mnliDir: string | null = null;
  if (o.mnliCheckpoint !== null) {
    checkModelDir(o.mnliCheckpoint, '--mnli-checkpoint');
    mnliDir = o.mnliCheckpoint;
  }
  const needsMnli = present.some((t) => FROM_MNLI.includes(t));
  if (needsMnli && mnliDir === null && !present.includes('mnli')) {
    throw new Error(
      `--data-dir ${dataDir}: MRPC, STS-B and RTE start from an MNLI-finetuned model (docs/guide/architecture.md#finetuning-recipe) but there is no MNLI data; ` +
        'pass --mnli-checkpoint DIR',
    );
  }
  const order = present.filter((t) => !(t === 'mnli' && mnliDir !== null));
  const runs: TaskRunResult[] = [];
  const subDir = join(o.outputDir, 'submission');
  for (const task of order) {
    const fromMnli = FROM_MNLI.includes(task);
    const r = await runTask({
      ...o,
      task,
      outputDir: join(o.outputDir, task),
      modelNameOrPath: fromMnli ? mnliDir! : o.modelNameOrPath,
      ignoreMismatchedSizes: fromMnli ? true : o.ignoreMismatchedSizes,
      saveModel: task === 'mnli' ? true : o.saveModel,
      log,
    });
    if (task === 'mnli') mnliDir = r.outputDir;
    runs.push(r);
    for (const p of r.predictions) {
      mkdirSync(subDir, { recursive: true });
      copyFileSync(p, join(subDir, basename(p)));
    }
  }
  const best: SuiteResults = {};
  const final: SuiteResults = {};
  for (const r of runs) {
    if (r.best) best[r.task] = r.best.metrics;
    if (r.final) final[r.task] = r.final.metrics;
  }
  const table = glueTable(best);
  const average = glueAverage(best);
  const md =
    `# GLUE dev results (best-of-run, %)\n\nModel: \`${o.modelNameOrPath}\`; MRPC, STS-B and RTE from ` +
    `\`${mnliDir ?? 'n/a'}\` (MNLI-first protocol). Average: mean over the tasks shown of each task's mean metric.\n\n` +
    `${table}\nFinal-step scores:\n\n${glueTable(final)}`;
  mkdirSync(o.outputDir, { recursive: true });
  await writeFileAtomic(join(o.outputDir, 'glue_results.md'), md);
  await writeFileAtomic(
    join(o.outputDir, 'glue_results.json'),
    `${JSON.stringify({ best, final, average, mnli_init: mnliDir, skipped }, null, 2)}\n`,
  );
  return { runs, skipped, table, average };
}
