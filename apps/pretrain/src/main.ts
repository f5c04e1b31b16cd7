#!/usr/bin/env node
/**
 * `pnpm pretrain [flags]`: masked-LM pretraining (see `--help` and README.md). Paths are resolved against the
 * directory the command was typed in (`INIT_CWD` under pnpm).
 *
 * A training step is synchronous and can take minutes, and no signal handler runs while it does. So this process
 * stays an idle launcher (`runSupervised` of @bigs/trainer): it answers SIGINT/SIGTERM at once ("stopping after
 * this step: checkpoint, then exit; signal again to stop now"), passes the request to the training child it
 * started, and on a second signal stops the child now (SIGKILL when it is busy in a step; checkpoints are atomic,
 * so the last complete one stays intact). It also acknowledges at once to the `tsx` CLI, which SIGKILLs a child
 * that does not within 30 ms. `BIGS_NO_SUPERVISOR=1` trains in this process.
 */
import { fileURLToPath } from 'node:url';
import { attachToLauncher, runSupervised, shouldSupervise } from '@bigs/trainer';
import { runPretrain } from './pretrain.js';

if (process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

if (shouldSupervise()) {
  process.exitCode = await runSupervised({
    script: fileURLToPath(import.meta.url),
    argv: process.argv.slice(2),
  });
} else {
  const release = attachToLauncher();
  process.exitCode = await runPretrain(process.argv.slice(2));
  release();
}
