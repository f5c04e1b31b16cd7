import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { EXIT_FAILURE, errorLine, exitCodeOf } from '@bigs/cli-kit';
import { TextDecodeError } from '@bigs/data';
import { initEngine } from '@bigs/ssm-kernels';
import { checkOutputDir } from '@bigs/trainer';
import { DEFAULT_MODEL_DIR, type FinetuneOptions, helpText, parseArgs } from './options.js';
import { runSuite } from './run-all.js';
import { runTask, StoppedBySignal, type TaskRunResult } from './run-task.js';

/** Where the CLI writes. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const fmt = (m: Record<string, number>) =>
  Object.entries(m)
    .filter(([k]) => k !== 'step' && k !== 'epoch')
    .map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : 'NaN'}`)
    .join(', ');

/** The message printed when the default pretrained model is absent. */
export function missingDefaultModelMessage(dir: string): string {
  return (
    `finetune: error: no pretrained model at ${dir} (the default --model-name-or-path). Create it with \`pnpm pretrain\` ` +
    `(its default run writes ${DEFAULT_MODEL_DIR}), or pass --model-name-or-path DIR`
  );
}

/** The one error line of `pnpm finetune` (with the --allow-invalid-utf8 hint for invalid UTF-8). */
function fail(io: CliIO, e: unknown): number {
  const hint =
    e instanceof TextDecodeError && e.kind === 'invalid-utf8'
      ? '; or pass --allow-invalid-utf8 to read such bytes as U+FFFD'
      : '';
  io.stderr(`${errorLine('finetune', e).replace(/\s*\n\s*/g, ' ')}${hint}\n`);
  return exitCodeOf(e);
}

/** What a one-task run prints on stdout; the last line says where the model went. */
export function taskSummary(r: TaskRunResult, seconds: number): string {
  const lines = [
    `${r.task}: best ${r.best ? `${fmt(r.best.metrics)} (step ${r.best.step})` : 'n/a'}; ` +
      `final ${r.final ? `${fmt(r.final.metrics)} (step ${r.final.step})` : 'n/a'}; ` +
      `${r.steps} steps in ${seconds.toFixed(1)} s; results in ${r.outputDir}/eval_results.json`,
  ];
  if (r.baseline) {
    lines.push(
      `${r.task}: majority-class baseline (always label ${r.baseline.label}): ${fmt(r.baseline.metrics)}`,
    );
  }
  lines.push(
    r.savedModel
      ? `${r.task}: model saved to ${r.savedModel.dir} (the best evaluation${r.savedModel.step !== null ? `, step ${r.savedModel.step}` : ''})`
      : `${r.task}: model not saved (--no-save-model)`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `pnpm finetune [flags]`: returns the exit code (0 done, 2 a usage error, 1 the run failed, 130/143 stopped by
 * a signal), errors as one line `finetune: error: …` on stderr.
 *
 * @example
 * await runCli(['--task', 'rte', '--data-dir', 'glue', '--model-name-or-path', 'runs/mnli']); // 0
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  let outputDir: string;
  try {
    parsed = parseArgs(argv);
    if (parsed.help) {
      io.stdout(helpText());
      return 0;
    }
    for (const note of parsed.notes) io.stderr(`note: ${note}\n`);
    outputDir = parsed.options.outputDir ?? `runs/finetune-${parsed.options.task}`;
    if (!parsed.given.has('modelNameOrPath') && !existsSync(parsed.options.modelNameOrPath)) {
      io.stderr(`${missingDefaultModelMessage(parsed.options.modelNameOrPath)}\n`);
      return EXIT_FAILURE;
    }
    checkOutputDir(outputDir);
  } catch (e) {
    return fail(io, e);
  }
  try {
    return await run(parsed.options, outputDir, io);
  } catch (e) {
    if (e instanceof StoppedBySignal) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    return fail(io, e);
  }
}

async function run(options: FinetuneOptions, outputDir: string, io: CliIO): Promise<number> {
  const log = (m: string) => io.stderr(`${m}\n`);
  const t0 = performance.now();
  const engine = await initEngine({ backend: options.backend, quiet: true });
  log(`engine: ${engine.variant} (${engine.threads} thread${engine.threads === 1 ? '' : 's'})`);
  if (options.task === 'all') {
    const r = await runSuite({ ...options, outputDir, log });
    io.stdout(`\nGLUE dev (best-of-run, %), written to ${outputDir}/glue_results.md:\n\n${r.table}`);
    if (options.saveModel)
      io.stdout(`models (the best evaluation of each task) saved to ${outputDir}/<task>/\n`);
  } else {
    const r = await runTask({ ...options, task: options.task, outputDir, log });
    io.stdout(taskSummary(r, (performance.now() - t0) / 1000));
  }
  return 0;
}
