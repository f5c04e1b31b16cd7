#!/usr/bin/env node
/**
 * `pnpm pretrain [flags]`: masked-LM pretraining (see `--help` and README.md). Paths are resolved against the
 * directory the command was typed in (`INIT_CWD` under pnpm).
 *
 * Under the `tsx` CLI (the root script), tsx relays SIGINT/SIGTERM to its child and SIGKILLs it when the child
 * does not acknowledge within 30 ms — which a process busy in a training step cannot do. So this process stays
 * an idle launcher (it acknowledges at once) and trains in a child it forwards signals to; the trainer treats a
 * repeat of the same signal within 3 s (Ctrl-C reaches both through the process group) as one.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runPretrain } from './pretrain.js';

if (process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

const CHILD_ENV = 'BIGS_PRETRAIN_CHILD';

const underTsxCli = process.execArgv.some((a) => /tsx.*preflight\.cjs$/.test(a));

if (underTsxCli && process.env[CHILD_ENV] !== '1') {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, [CHILD_ENV]: '1' },
    },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : 1);
  });
} else {
  process.exitCode = await runPretrain(process.argv.slice(2));
}
