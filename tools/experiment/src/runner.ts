import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** How the apps are started: the root scripts through pnpm (`npx -y pnpm@9.15.9 --silent pretrain …`). */
export const PNPM: readonly string[] = ['npx', '-y', 'pnpm@9.15.9', '--silent'];

/** The result of one command. */
export interface RunResult {
  code: number;
  /** Set when this process received SIGINT/SIGTERM while the command ran (it was passed on to the command). */
  stoppedBy: NodeJS.Signals | null;
  wallSeconds: number;
}

/**
 * Run `prefix + args` in `cwd` (in a process group of its own), its stdout and stderr copied to our stderr and
 * appended to `logFile`. SIGINT / SIGTERM received meanwhile are passed once to the command's whole group (the apps
 * then finish their step, checkpoint and exit 130/143), and the caller stops after the command exits.
 */
export function runCommand(
  args: readonly string[],
  opts: { cwd: string; logFile: string; prefix?: readonly string[] },
): Promise<RunResult> {
  const prefix = opts.prefix ?? PNPM;
  const [cmd, ...rest] = [...prefix, ...args];
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`\n$ ${[cmd, ...rest].join(' ')}\n`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // Its own process group: npx does not pass signals on, so they go to the whole group (as a terminal's Ctrl-C).
    const child = spawn(cmd as string, rest, {
      cwd: opts.cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stoppedBy: NodeJS.Signals | null = null;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stoppedBy !== null) return;
      stoppedBy = sig;
      process.stderr.write(
        `experiment: ${sig} received: passed to the running command; it checkpoints and stops\n`,
      );
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        child.kill(sig); // the group is gone already
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        log.write(chunk);
      });
    }
    child.on('error', (e) => {
      cleanup();
      reject(new Error(`could not start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      cleanup();
      const exit = code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1);
      log.end(`exit ${exit}\n`, () =>
        resolve({ code: exit, stoppedBy, wallSeconds: (performance.now() - t0) / 1000 }),
      );
    });
    function cleanup() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

/** Our environment without `npm_config_reporter` (pnpm --silent sets it; npx then warns about it). */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.npm_config_reporter;
  return env;
}
