import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExperimentOptions, prepare, runSteps, writeResults } from './experiment.js';
import { HELP, parseOptions } from './options.js';

async function main(): Promise<number> {
  const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  // pnpm runs scripts in the package dir; relative paths the user typed are relative to where pnpm was started.
  process.chdir(process.env.INIT_CWD ?? process.cwd());
  let o: ExperimentOptions | null;
  try {
    o = await parseOptions(process.argv.slice(2), repoRoot);
  } catch (e) {
    process.stderr.write(`experiment: ${(e as Error).message}\n`);
    return 1;
  }
  if (o === null) {
    process.stdout.write(HELP);
    return 0;
  }
  const { models, steps } = await prepare(o);
  if (o.dryRun) {
    for (const s of steps) process.stdout.write(`pnpm ${s.args.join(' ')}\n`);
    return 0;
  }
  const code = o.reportOnly ? 0 : await runSteps(o, steps);
  const table = writeResults(o, steps, models);
  process.stdout.write(table);
  o.log(`results: ${resolve(o.out, 'results.md')}, results.json, loss-train.svg, loss-heldout.svg`);
  return code;
}

process.exitCode = await main();
