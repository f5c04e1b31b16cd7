import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBudget } from './budget.js';
import { CELLS } from './cells.js';
import { findTasks, planSteps, seedList } from './plan.js';

function glueDir(tasks: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'exp-glue-'));
  for (const t of tasks) {
    mkdirSync(join(dir, t));
    writeFileSync(join(dir, t, 'train.tsv'), 'x\n');
    writeFileSync(join(dir, t, 'dev.tsv'), 'x\n');
  }
  return dir;
}

describe('findTasks', () => {
  it('is the default task, then the GLUE tasks present in --glue-dir', () => {
    expect(findTasks(undefined).map((t) => t.key)).toEqual(['default']);
    const dir = glueDir(['RTE', 'STS-B']);
    mkdirSync(join(dir, 'MRPC')); // no tsv files: not a task
    const tasks = findTasks(dir);
    expect(tasks.map((t) => t.key)).toEqual(['default', 'rte', 'stsb']);
    expect(tasks[1]!.args).toEqual(['--task', 'rte', '--data-dir', dir]);
  });
  it('names the folders it looked for when none is there', () => {
    expect(() => findTasks(glueDir([]))).toThrow(/none of RTE, MRPC, STS-B, WNLI with train.tsv and dev.tsv/);
    expect(() => findTasks('/no/such/glue')).toThrow(/--glue-dir \/no\/such\/glue: no such directory/);
  });
});

describe('planSteps', () => {
  const budget = resolveBudget('small', 6);
  const steps = planSteps({
    out: '/o',
    cells: CELLS,
    seeds: seedList(2),
    tasks: findTasks(glueDir(['RTE'])),
    budget,
    backend: 'wasm',
  });
  it('runs each cell and seed: pretrain, then its finetunes', () => {
    expect(steps).toHaveLength(2 * 4 * 3);
    expect(steps.slice(0, 3).map((s) => `${s.kind}:${s.cell}:${s.seed}:${s.task ?? ''}`)).toEqual([
      'pretrain:gated-ssm:42:',
      'finetune:gated-ssm:42:default',
      'finetune:gated-ssm:42:rte',
    ]);
    expect(steps[12]!.seed).toBe(43);
  });
  it('gives every cell the same recipe, tokens and seed; only the model config and dirs differ', () => {
    const strip = (args: string[]) => args.map((a) => a.replace(/\/o\/[a-z-]+\//, '/o/CELL/'));
    const pre = steps.filter((s) => s.kind === 'pretrain' && s.seed === 42);
    expect(new Set(pre.map((s) => JSON.stringify(strip(s.args)))).size).toBe(1);
    const a = pre[0]!.args;
    expect(a[a.indexOf('--max-steps') + 1]).toBe('6');
    expect(a[a.indexOf('--seed') + 1]).toBe('42');
    expect(a[a.indexOf('--model-config') + 1]).toBe('/o/gated-ssm/config.json');
    expect(a[a.indexOf('--backend') + 1]).toBe('wasm');
    const ft = steps.find((s) => s.task === 'rte')!;
    expect(ft.args[ft.args.indexOf('--model-name-or-path') + 1]).toBe('/o/gated-ssm/seed-42/pretrain');
  });
  it('seedList rejects 0', () => {
    expect(seedList(3)).toEqual([42, 43, 44]);
    expect(() => seedList(0)).toThrow(/--seeds: 0/);
  });
});
