import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Budget } from './budget.js';
import type { Cell, CellId } from './cells.js';

/** A downstream task: the finetune app's default task, or a GLUE task read from `--glue-dir`. */
export interface Task {
  /** Column key: `default` (whatever `pnpm finetune` runs without --task) or the GLUE name (`rte`, …). */
  key: string;
  /** Flags that select it (`[]` for the default task). */
  args: string[];
}

/** One command of the experiment. */
export interface Step {
  kind: 'pretrain' | 'finetune';
  cell: CellId;
  seed: number;
  /** For finetune steps. */
  task?: string;
  /** The command's --output-dir. */
  dir: string;
  /** The app (`pretrain` | `finetune`) and its flags. */
  args: string[];
}

/** GLUE tasks the experiment knows and the folder names a GLUE download uses for them. */
export const GLUE_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  rte: ['RTE'],
  mrpc: ['MRPC'],
  stsb: ['STS-B', 'STSB'],
  wnli: ['WNLI'],
};

/**
 * The tasks: the default finetune task, then each GLUE task of `GLUE_FOLDERS` whose folder under `glueDir` holds
 * train.tsv and dev.tsv. A `--glue-dir` with none of them is an error naming the folders looked for.
 */
export function findTasks(glueDir: string | undefined): Task[] {
  const tasks: Task[] = [{ key: 'default', args: [] }];
  if (glueDir === undefined) return tasks;
  if (!existsSync(glueDir)) throw new Error(`--glue-dir ${glueDir}: no such directory`);
  for (const [key, folders] of Object.entries(GLUE_FOLDERS)) {
    const found = folders.find((f) => ['train.tsv', 'dev.tsv'].every((x) => existsSync(join(glueDir, f, x))));
    if (found !== undefined) tasks.push({ key, args: ['--task', key, '--data-dir', glueDir] });
  }
  if (tasks.length === 1) {
    const looked = Object.values(GLUE_FOLDERS)
      .map((f) => f[0])
      .join(', ');
    throw new Error(
      `--glue-dir ${glueDir}: none of ${looked} with train.tsv and dev.tsv; point it at a GLUE download`,
    );
  }
  return tasks;
}

/** Where a cell's seed run lives. */
export function runDir(out: string, cell: CellId, seed: number): string {
  return join(out, cell, `seed-${seed}`);
}

/** Where a cell's config.json is written. */
export function configPath(out: string, cell: CellId): string {
  return join(out, cell, 'config.json');
}

/** The pretraining flags of one cell and seed (every cell: the same recipe, tokens and seed). */
export function pretrainArgs(out: string, cell: CellId, seed: number, b: Budget, backend: string): string[] {
  const p = b.pretrain;
  return [
    'pretrain',
    ...['--model-config', configPath(out, cell)],
    ...['--output-dir', join(runDir(out, cell, seed), 'pretrain')],
    ...['--max-steps', p.maxSteps, '--max-seq-length', p.seqLength],
    ...['--per-device-train-batch-size', p.batchSize, '--gradient-accumulation-steps', 1],
    ...['--learning-rate', p.learningRate, '--warmup-steps', p.warmupSteps],
    ...['--lr-scheduler-type', 'cosine', '--cosine-alpha', p.cosineAlpha],
    ...['--weight-decay', p.weightDecay, '--adam-beta2', p.beta2, '--seed', seed],
    ...['--logging-steps', p.loggingSteps, '--eval-steps', p.evalSteps],
    ...['--save-steps', p.saveSteps, '--save-total-limit', 2, '--max-eval-samples', p.maxEvalSamples],
    ...['--backend', backend],
  ].map(String);
}

/** The finetuning flags of one cell, seed and task. */
export function finetuneArgs(
  out: string,
  cell: CellId,
  seed: number,
  task: Task,
  b: Budget,
  backend: string,
) {
  const f = b.finetune;
  const dir = runDir(out, cell, seed);
  return [
    'finetune',
    ...task.args,
    ...['--model-name-or-path', join(dir, 'pretrain'), '--output-dir', join(dir, `finetune-${task.key}`)],
    ...['--learning-rate', f.learningRate, '--num-train-epochs', f.numTrainEpochs],
    ...['--per-device-train-batch-size', f.batchSize, '--max-train-samples', f.maxTrainSamples],
    ...['--max-eval-samples', f.maxEvalSamples, '--max-seq-length', f.maxSeqLength, '--eval-steps', 0],
    ...['--seed', seed, '--no-do-predict', '--no-save-model', '--progress', 'lines'],
    ...['--backend', backend],
  ].map(String);
}

/** The seeds of `--seeds N`: 42, 43, … (42 is the apps' default seed). */
export function seedList(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--seeds: ${n} is not an integer >= 1`);
  return Array.from({ length: n }, (_, i) => 42 + i);
}

/** Every command, in run order: per seed, per cell, pretrain then its finetunes (a cell finishes before the next). */
export function planSteps(opts: {
  out: string;
  cells: readonly Cell[];
  seeds: readonly number[];
  tasks: readonly Task[];
  budget: Budget;
  backend: string;
}): Step[] {
  const steps: Step[] = [];
  for (const seed of opts.seeds) {
    for (const { id } of opts.cells) {
      const dir = runDir(opts.out, id, seed);
      const args = pretrainArgs(opts.out, id, seed, opts.budget, opts.backend);
      steps.push({ kind: 'pretrain', cell: id, seed, dir: join(dir, 'pretrain'), args });
      for (const task of opts.tasks) {
        const fargs = finetuneArgs(opts.out, id, seed, task, opts.budget, opts.backend);
        steps.push({
          kind: 'finetune',
          cell: id,
          seed,
          task: task.key,
          dir: join(dir, `finetune-${task.key}`),
          args: fargs,
        });
      }
    }
  }
  return steps;
}
