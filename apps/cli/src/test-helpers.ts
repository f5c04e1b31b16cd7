/** Shared by the CLI's tests: run `bigs` in-process with captured output, or as a child process as `pnpm bigs` does. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COMMAND_GROUPS } from './commands/index.js';
import { type CliIO, runCli } from './router.js';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '../../..');

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `bigs ARGS` in-process; `stdin` given → piped input (not a terminal), absent → a terminal with nothing typed.
 * @example
 * const { code, stdout } = await runInProcess(['--help']);
 */
export async function runInProcess(args: string[], stdin?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => stdin ?? '',
    stdinIsTTY: stdin === undefined,
  };
  const code = await runCli(args, COMMAND_GROUPS, io);
  return { code, stdout, stderr };
}

/** Run the real CLI in a child process (tsx with the source condition, as `pnpm bigs` does). */
export function spawnCli(args: string[], input?: string): CliRun {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['--conditions=@bigs/source', join(ROOT, 'apps/cli/src/main.ts'), ...args],
    { encoding: 'utf8', input: input ?? '', env: { ...process.env, INIT_CWD: '' } },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
