#!/usr/bin/env node
import { COMMAND_GROUPS } from './commands/index.js';
import { type CliIO, runCli } from './router.js';

/** Process I/O for the CLI. */
export const processIO: CliIO = {
  stdout: (t) => {
    process.stdout.write(t);
  },
  stderr: (t) => {
    process.stderr.write(t);
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  stdinIsTTY: Boolean(process.stdin.isTTY),
};

// `pnpm bigs …` runs in the workspace root; relative paths should mean what the user typed them against.
if (process.env.INIT_CWD && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2), COMMAND_GROUPS, processIO);
process.exitCode = code;
