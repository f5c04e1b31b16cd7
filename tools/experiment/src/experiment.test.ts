import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveBudget } from './budget.js';
import { parseCells } from './cells.js';
import { type ExperimentOptions, prepare, runSteps, writeResults } from './experiment.js';
import { seedList } from './plan.js';

const FAKE = fileURLToPath(new URL('./testing/fake-app.mjs', import.meta.url));

function options(out: string, over: Partial<ExperimentOptions> = {}): ExperimentOptions {
  return {
    out,
    cells: parseCells('gated-ssm,stack-attention'),
    seeds: seedList(2),
    budget: resolveBudget('small', 3),
    backend: 'cpu',
    repoRoot: out,
    vocabSize: 500,
    dryRun: false,
    prefix: [process.execPath, FAKE],
    log: () => {},
    ...over,
  };
}

describe('paper-2x2 orchestration (fake apps)', () => {
  it('stops when a command is interrupted, resumes unfinished steps only, and writes the table', async () => {
    const out = mkdtempSync(join(tmpdir(), 'exp-run-'));
    process.env.FAKE_APP_LOG = join(out, 'calls.log');
    process.env.FAKE_APP_STOP = join(out, 'stopped-once');
    const o = options(out);
    const { models, steps } = await prepare(o);
    expect(steps).toHaveLength(2 * 2 * 2); // seeds × cells × (pretrain + default task)
    expect(await runSteps(o, steps)).toBe(143); // the first pretraining was "stopped"
    expect(await runSteps(o, steps)).toBe(0); // rerun: continues
    const calls = readFileSync(join(out, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls[0]).toBe(calls[1]); // the stopped pretraining ran again
    expect(calls).toHaveLength(1 + steps.length);
    expect(await runSteps(o, steps)).toBe(0); // everything done: nothing runs
    expect(readFileSync(join(out, 'calls.log'), 'utf8').trim().split('\n')).toHaveLength(1 + steps.length);

    const table = writeResults(o, steps, models);
    expect(table).toContain('GATED + SSM (BiGS)');
    expect(table).toMatch(/7\.575 ± 0\.007/); // eval_loss 8 - seed/100 over seeds 42, 43
    expect(table).toContain('spam (default)');
    for (const f of ['results.md', 'results.json', 'loss-train.svg', 'loss-heldout.svg']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.cells[0].seeds.map((s: { seed: number }) => s.seed)).toEqual([42, 43]);
  });
  it('refuses to resume an output dir made with other settings', async () => {
    const out = mkdtempSync(join(tmpdir(), 'exp-run-'));
    await prepare(options(out));
    await expect(prepare(options(out, { budget: resolveBudget('small', 5) }))).rejects.toThrow(
      /other settings \(budget differ/,
    );
    // another subset of cells or more seeds is the same experiment
    await prepare(options(out, { cells: parseCells('stack-ssm'), seeds: seedList(3) }));
  });
  it('a failing command stops the run with its exit code and leaves the step unfinished', async () => {
    const out = mkdtempSync(join(tmpdir(), 'exp-run-'));
    const o = options(out, { prefix: [process.execPath, '-e', 'process.exit(3)'] });
    const { steps } = await prepare(o);
    expect(await runSteps(o, steps)).toBe(3);
    expect(existsSync(join(steps[0]!.dir, 'experiment-done.json'))).toBe(false);
    expect(readFileSync(`${steps[0]!.dir}.log`, 'utf8')).toContain('exit 3');
  });
  it('the report of a larger plan shows only the runs finished so far (--report)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'exp-run-'));
    process.env.FAKE_APP_LOG = join(out, 'calls.log');
    delete process.env.FAKE_APP_STOP;
    const one = options(out, { seeds: seedList(1) });
    const ran = await prepare(one);
    expect(await runSteps(one, ran.steps)).toBe(0);
    const two = options(out, { seeds: seedList(2), reportOnly: true });
    const { models, steps } = await prepare(two);
    const table = writeResults(two, steps, models);
    expect(table).toContain('| 7.580 |'); // seed 42 only: eval_loss 8 - 42/100, no ± spread
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.cells[0].seeds).toHaveLength(1);
  });
});
