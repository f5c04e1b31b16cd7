import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TextDecodeError } from '@bigs/data';
import { initEngine } from '@bigs/ssm-kernels';
import { DEFAULT_MODEL_DIR, type FinetuneOptions, helpText, parseArgs } from './options.js';
import { checkOutputDir } from './output-dir.js';
import { runSuite } from './run-all.js';
import { runTask, StoppedBySignal } from './run-task.js';

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
    `error: no pretrained model at ${dir} (the default --model-name-or-path). Create it with \`pnpm pretrain\` ` +
    `(its default run writes ${DEFAULT_MODEL_DIR}), or pass --model-name-or-path DIR`
  );
}

/**
 * `pnpm finetune [flags]`: returns the exit code (0 ok, 1 error with a one-line message on stderr).
 *
 * @example
 * await runCli(['--task', 'rte', '--data-dir', 'glue', '--model-name-or-path', 'runs/mnli']); // 0
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let options: FinetuneOptions;
  let given: Set<keyof FinetuneOptions>;
  try {
    const parsed = parseArgs(argv);
    if (parsed.help) {
      io.stdout(`${helpText()}\n`);
      return 0;
    }
    options = parsed.options;
    given = parsed.given;
  } catch (e) {
    io.stderr(`error: ${oneLine(e)}\n`);
    return 1;
  }
  if (!given.has('modelNameOrPath') && !existsSync(options.modelNameOrPath)) {
    io.stderr(`${missingDefaultModelMessage(options.modelNameOrPath)}\n`);
    return 1;
  }
  const outputDir = options.outputDir ?? `runs/finetune-${options.task}`;
  try {
    checkOutputDir(outputDir);
  } catch (e) {
    io.stderr(`error: ${oneLine(e)}\n`);
    return 1;
  }
  const log = (m: string) => io.stderr(`${m}\n`);
  const t0 = performance.now();
  try {
    const engine = await initEngine({ backend: options.backend, quiet: true });
    log(`engine: ${engine.variant} (${engine.threads} thread${engine.threads === 1 ? '' : 's'})`);
    if (options.task === 'all') {
      const r = await runSuite({ ...options, outputDir, log });
      io.stdout(`\nGLUE dev (best-of-run, %), written to ${outputDir}/glue_results.md:\n\n${r.table}`);
    } else {
      const r = await runTask({ ...options, task: options.task, outputDir, log });
      const secs = (performance.now() - t0) / 1000;
      io.stdout(
        `${r.task}: best ${r.best ? `${fmt(r.best.metrics)} (step ${r.best.step})` : 'n/a'}; ` +
          `final ${r.final ? `${fmt(r.final.metrics)} (step ${r.final.step})` : 'n/a'}; ` +
          `${r.steps} steps in ${secs.toFixed(1)} s; results in ${outputDir}/eval_results.json\n`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof StoppedBySignal) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`error: ${oneLine(e)}\n`);
    return 1;
  }
}

function oneLine(e: unknown): string {
  let msg = e instanceof Error ? e.message : String(e);
  if (e instanceof TextDecodeError && e.kind === 'invalid-utf8') {
    msg += '; or pass --allow-invalid-utf8 to read such bytes as U+FFFD';
  }
  return msg.replace(/\s*\n\s*/g, ' ');
}
