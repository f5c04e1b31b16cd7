import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEmbeddedTokenizer } from '@bigs/data';
import { BUDGETS, resolveBudget } from './budget.js';
import { CELLS, parseCells } from './cells.js';
import type { ExperimentOptions } from './experiment.js';
import { seedList } from './plan.js';

export const HELP = `Usage: pnpm experiment paper-2x2 [flags]

The paper's 2×2 (STACK/GATED block × SSM/attention routing) at matched parameter counts: pretrains each cell
on the embedded corpus with the same tokens, seed and schedule (pnpm pretrain), finetunes each on the default
finetune task and the GLUE tasks found in --glue-dir (pnpm finetune), and writes results.md, results.json,
loss-train.svg and loss-heldout.svg into --out. Rerunning the same command resumes: finished runs are skipped,
an interrupted pretraining continues exactly from its last checkpoint.

Flags:
  --budget ${Object.keys(BUDGETS).join('|')}   model size and recipes (default: small, ~45 min on 2 CPU cores)
  --max-steps N              pretraining steps instead of the budget's
  --finetune-samples N       training examples per finetuning task instead of the budget's (the first N)
  --finetune-epochs N        finetuning epochs instead of the budget's
  --seeds N                  seeds 42, 43, … per cell; the table shows mean ± sd (default: 1)
  --out DIR                  output directory (default: runs/paper-2x2-<budget>)
  --cells a,b,…              subset of ${CELLS.map((c) => c.id).join(', ')} (default: all)
  --glue-dir DIR             a GLUE download (RTE/, MRPC/, STS-B/, WNLI/ with train.tsv, dev.tsv)
  --backend NAME             tensor engine passed to the apps (default: auto)
  --dry-run                  print the sizes and commands, run nothing
  --report                   run nothing: write the table and curves of the runs finished so far
  --help
`;

/** Parse the command line into experiment options (errors name the flag). */
export async function parseOptions(argv: string[], repoRoot: string): Promise<ExperimentOptions | null> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      budget: { type: 'string', default: 'small' },
      'max-steps': { type: 'string' },
      'finetune-samples': { type: 'string' },
      'finetune-epochs': { type: 'string' },
      seeds: { type: 'string', default: '1' },
      out: { type: 'string' },
      cells: { type: 'string' },
      'glue-dir': { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      'dry-run': { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  if (positionals.length !== 1 || positionals[0] !== 'paper-2x2') {
    throw new Error(`expected the experiment name "paper-2x2", got ${JSON.stringify(positionals.join(' '))}`);
  }
  const intFlag = (flag: string, v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`--${flag}: "${v}" is not a positive integer`);
    return Number(v);
  };
  const optionalInt = (flag: 'max-steps' | 'finetune-samples' | 'finetune-epochs') =>
    values[flag] === undefined ? undefined : intFlag(flag, values[flag]);
  const base = resolveBudget(values.budget, optionalInt('max-steps'));
  const budget = {
    ...base,
    finetune: {
      ...base.finetune,
      maxTrainSamples: optionalInt('finetune-samples') ?? base.finetune.maxTrainSamples,
      numTrainEpochs: optionalInt('finetune-epochs') ?? base.finetune.numTrainEpochs,
    },
  };
  const tokenizer = await loadEmbeddedTokenizer();
  return {
    out: resolve(values.out ?? `runs/paper-2x2-${budget.name}`),
    cells: values.cells === undefined ? CELLS : parseCells(values.cells),
    seeds: seedList(intFlag('seeds', values.seeds)),
    budget,
    glueDir: values['glue-dir'] === undefined ? undefined : resolve(values['glue-dir']),
    backend: values.backend,
    repoRoot,
    vocabSize: tokenizer.vocabSize,
    dryRun: values['dry-run'],
    reportOnly: values.report,
    log: (line) => process.stderr.write(`experiment: ${line}\n`),
  };
}
