import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomicSync } from '@bigs/common';
import type { Budget } from './budget.js';
import type { Cell } from './cells.js';
import { readFinetune, readPretrain } from './collect.js';
import { type CurveRun, lossCurves } from './curves.js';
import { configPath, findTasks, planSteps, type Step } from './plan.js';
import { runCommand } from './runner.js';
import { type CellModel, type ModelSize, matchCells, parameterSpread } from './sizes.js';
import { checkOrWritePlan, isDone, markDone } from './state.js';
import { type CellRows, markdownTable, seedResult } from './table.js';

/** Everything `paper-2x2` needs, resolved from the command line. */
export interface ExperimentOptions {
  out: string;
  cells: readonly Cell[];
  seeds: readonly number[];
  budget: Budget;
  glueDir?: string;
  backend: string;
  /** The repository root the apps run in. */
  repoRoot: string;
  vocabSize: number;
  /** Only print the plan. */
  dryRun: boolean;
  /** Run nothing; write the results of the finished runs (e.g. with more --seeds than every cell has). */
  reportOnly?: boolean;
  /** Command prefix (default: the root scripts through pnpm); tests point it at a fake app. */
  prefix?: readonly string[];
  log: (line: string) => void;
}

/** Size the cells, write their config.json files and the plan (or check it matches the one in --out). */
export async function prepare(
  o: ExperimentOptions,
): Promise<{ models: Map<Cell['id'], CellModel>; steps: Step[] }> {
  const size: ModelSize = {
    ...o.budget.model,
    vocabSize: o.vocabSize,
    maxPositionEmbeddings: o.budget.pretrain.seqLength,
  };
  const models = await matchCells(o.cells, size);
  const counts = o.cells.map((c) => models.get(c.id)!.parameters);
  for (const c of o.cells) {
    const m = models.get(c.id)!;
    o.log(
      `${c.label.padEnd(26)} I=${String(m.config.intermediate_size).padEnd(5)} ${m.parameters.toLocaleString('en-US')} parameters ` +
        `(encoder ${m.encoderParameters.toLocaleString('en-US')})`,
    );
  }
  o.log(`parameter counts within ${(100 * parameterSpread(counts)).toFixed(2)} % of their mean`);
  const tasks = findTasks(o.glueDir);
  const steps = planSteps({
    out: o.out,
    cells: o.cells,
    seeds: o.seeds,
    tasks,
    budget: o.budget,
    backend: o.backend,
  });
  if (o.dryRun) return { models, steps };
  mkdirSync(o.out, { recursive: true });
  const settings = {
    experiment: 'paper-2x2',
    budget: o.budget,
    vocabSize: o.vocabSize,
    tasks: tasks.map((t) => t.key),
    glueDir: o.glueDir ?? null,
  };
  const how = checkOrWritePlan(o.out, settings);
  o.log(how === 'resumed' ? `resuming the experiment in ${o.out}` : `new experiment in ${o.out}`);
  for (const c of o.cells) {
    mkdirSync(join(o.out, c.id), { recursive: true });
    writeFileAtomicSync(configPath(o.out, c.id), `${JSON.stringify(models.get(c.id)!.config, null, 2)}\n`);
  }
  return { models, steps };
}

/**
 * Run every unfinished step in order (finished ones — `experiment-done.json` beside their outputs — are skipped;
 * an interrupted pretraining resumes from its checkpoint). Returns the exit code to stop with, or 0.
 */
export async function runSteps(o: ExperimentOptions, steps: readonly Step[]): Promise<number> {
  for (const [i, step] of steps.entries()) {
    const what = `[${i + 1}/${steps.length}] ${step.kind} ${step.cell} seed ${step.seed}${step.task ? ` ${step.task}` : ''}`;
    if (isDone(step.dir)) {
      o.log(`${what}: done, skipped`);
      continue;
    }
    o.log(`${what}: ${step.args[0]} → ${relative(o.out, step.dir)}`);
    const logFile = `${step.dir}.log`;
    const r = await runCommand(step.args, { cwd: o.repoRoot, logFile, prefix: o.prefix });
    if (r.stoppedBy !== null || r.code === 130 || r.code === 143) {
      o.log(`${what}: stopped (exit ${r.code}); run the same command again to continue`);
      return r.code === 0 ? 130 : r.code;
    }
    if (r.code !== 0) {
      o.log(`${what}: failed with exit ${r.code}; see ${logFile}`);
      return r.code;
    }
    markDone(step.dir, {
      command: step.args,
      wallSeconds: r.wallSeconds,
      finishedAt: new Date().toISOString(),
    });
  }
  return 0;
}

/** Read every finished run, write results.md, results.json and the loss-curve SVGs into --out. */
export function writeResults(
  o: ExperimentOptions,
  steps: readonly Step[],
  models: Map<Cell['id'], CellModel>,
): string {
  const taskKeys = [...new Set(steps.flatMap((s) => (s.task ? [s.task] : [])))];
  const rows: CellRows[] = [];
  const curves: CurveRun[] = [];
  for (const cell of o.cells) {
    const seeds = o.seeds.flatMap((seed) => {
      const pre = steps.find((s) => s.kind === 'pretrain' && s.cell === cell.id && s.seed === seed)!;
      if (!isDone(pre.dir)) return [];
      const outcome = readPretrain(pre.dir);
      curves.push({ cell, seed, outcome });
      const tasks = Object.fromEntries(
        steps
          .filter((s) => s.kind === 'finetune' && s.cell === cell.id && s.seed === seed && isDone(s.dir))
          .map((s) => [s.task!, readFinetune(s.dir)]),
      );
      return [seedResult(seed, outcome, tasks)];
    });
    rows.push({ cell, seeds });
  }
  const table = markdownTable(rows, taskKeys);
  const json = {
    experiment: 'paper-2x2',
    budget: o.budget,
    seeds: o.seeds,
    cells: rows.map((r) => ({
      id: r.cell.id,
      label: r.cell.label,
      config: models.get(r.cell.id)!.config,
      plannedParameters: models.get(r.cell.id)!.parameters,
      encoderParameters: models.get(r.cell.id)!.encoderParameters,
      seeds: r.seeds,
    })),
  };
  writeFileAtomicSync(join(o.out, 'results.md'), table);
  writeFileAtomicSync(join(o.out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const svgs = lossCurves(curves);
  if (svgs) {
    writeFileAtomicSync(join(o.out, 'loss-train.svg'), svgs.train);
    writeFileAtomicSync(join(o.out, 'loss-heldout.svg'), svgs.heldOut);
  }
  return table;
}
