import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import {
  hasStopListeners,
  isSupervisedChild,
  parseStopMessage,
  STOP_SIGNALS,
  type StopMessage,
  StopRequests,
  type StopSignal,
  SUPERVISED_ENV,
  signalExitCode,
  stopNow,
} from './signals.js';

/**
 * Signals that answer while a step runs.
 *
 * A tfjs training step is synchronous: while it runs (minutes for a long sequence on a slow engine) the JS thread
 * is blocked and no signal handler of that process can run. So a training app runs as two processes:
 *
 * - the **launcher** ({@link runSupervised}) stays idle. It answers the first SIGINT/SIGTERM at once on stderr
 *   ({@link ACK_MESSAGE}) and passes the request on to the child over IPC; a second signal stops now: the child
 *   is told to exit and, if it is busy in a step, killed with SIGKILL after `graceMs`. Checkpoints are written
 *   atomically (hidden temporary + rename), so the last complete checkpoint stays intact and a run resumes from
 *   it with the same command.
 * - the **training child** ({@link onStopSignals} with `isSupervisedChild()`) takes the launcher's requests: the
 *   first one stops the trainer after the current step (checkpoint, then exit 128 + signo); "now" stops it at once.
 *   Signals that reach it directly (Ctrl-C goes to the whole process group) count only as a first request: the
 *   launcher received them too and decides about "now".
 *
 * Without a launcher (the library used in-process, or `BIGS_NO_SUPERVISOR=1`) {@link onStopSignals} handles the
 * signals itself: the first stops after the current step, a repeat of the same signal within 3 s is the same
 * request (several processes of a group may relay one Ctrl-C), a later or different one stops it at once.
 * Signal classification, exit codes and "stop now" live in signals.ts.
 */

/** Set to 1 to train in the launching process (no child): signals are then only seen between steps. */
export const NO_SUPERVISOR_ENV = 'BIGS_NO_SUPERVISOR';

/** What the launcher prints at once on the first signal (after `"<SIGNAL> received: "`). */
export const ACK_MESSAGE = 'stopping after this step: checkpoint, then exit; signal again to stop now';

/** In the launcher, which sees each signal at once, the window only needs to cover relays (tsx, pnpm). */
const LAUNCHER_REPEAT_WINDOW_MS = 1000;

/**
 * True when this process should launch a supervised child rather than train itself (it is not such a child, and
 * `BIGS_NO_SUPERVISOR` is not 1).
 *
 * @example
 * if (shouldSupervise()) process.exitCode = await runSupervised({ script, argv });
 */
export function shouldSupervise(): boolean {
  return process.env[SUPERVISED_ENV] !== '1' && process.env[NO_SUPERVISOR_ENV] !== '1';
}

/** Options of {@link runSupervised}. */
export interface SuperviseOptions {
  /** The script the child runs (normally the launcher's own entry file). */
  script: string;
  /** Its arguments. */
  argv: readonly string[];
  /** Node options of the child. Default: this process's (`tsx` loader and `--conditions` included). */
  execArgv?: readonly string[];
  /** After "stop now", how long a busy child may take to exit before SIGKILL. Default 1000 ms. */
  graceMs?: number;
  /** Where the launcher writes (default stderr). */
  write?: (text: string) => void;
}

/**
 * Run `script` in a training child and supervise it (see the module doc). Resolves with the exit code to use:
 * the child's, or 128 + signo when it was stopped by a second signal.
 *
 * @example
 * // main.ts
 * if (shouldSupervise()) process.exitCode = await runSupervised({ script: fileURLToPath(import.meta.url), argv: process.argv.slice(2) });
 * else process.exitCode = await runPretrain(process.argv.slice(2));
 */
export function runSupervised(options: SuperviseOptions): Promise<number> {
  const write = options.write ?? ((t: string) => process.stderr.write(t));
  const graceMs = options.graceMs ?? 1000;
  const child = spawn(
    process.execPath,
    [...(options.execArgv ?? process.execArgv), options.script, ...options.argv],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [SUPERVISED_ENV]: '1' },
    },
  );
  const requests = new StopRequests(LAUNCHER_REPEAT_WINDOW_MS);
  let forcedBy: StopSignal | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const send = (m: StopMessage) => {
    if (child.connected) child.send(m, () => {}); // a child that already exited: nothing to tell
  };
  const handler = (signal: StopSignal) => {
    if (forcedBy !== null) return;
    const kind = requests.classify(signal);
    if (kind === 'request') {
      write(`\n${signal} received: ${ACK_MESSAGE}\n`);
      send({ type: 'bigs-stop', signal });
    } else if (kind === 'now') {
      forcedBy = signal;
      write(`\n${signal} received again: stopping now (the last complete checkpoint is kept)\n`);
      send({ type: 'bigs-stop-now', signal });
      killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    }
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return new Promise((resolve) => {
    const finish = (code: number) => {
      for (const s of STOP_SIGNALS) process.off(s, handler);
      if (killTimer) clearTimeout(killTimer);
      resolve(code);
    };
    child.on('error', (e) => {
      write(`error: could not start the training process: ${e.message}\n`);
      finish(1);
    });
    child.on('exit', (code, signal) => {
      if (forcedBy !== null) finish(signalExitCode(forcedBy));
      else if (code !== null) finish(code);
      else finish(signal === null ? 1 : 128 + (constants.signals[signal] ?? 9));
    });
  });
}

/**
 * In a supervised child: stop now ({@link stopNow}) when the launcher is gone (it was killed, e.g. `kill -9` of the launcher alone), so
 * no orphaned trainer keeps writing to the output dir; outside training (no {@link onStopSignals} listener: data
 * preparation, final save) a stop request from the launcher stops it at once; and release the IPC channel when done
 * so the process can end. Call once at start; call the returned function when the run is over. No-op without a
 * launcher.
 *
 * @example
 * const release = attachToLauncher();
 * process.exitCode = await runPretrain(argv);
 * release();
 */
export function attachToLauncher(): () => void {
  if (!isSupervisedChild()) return () => {};
  const onDisconnect = () => stopNow('SIGTERM');
  const onMessage = (m: unknown) => {
    const msg = parseStopMessage(m);
    if (msg && !hasStopListeners()) stopNow(msg.signal);
  };
  process.on('disconnect', onDisconnect);
  process.on('message', onMessage);
  return () => {
    process.off('disconnect', onDisconnect);
    process.off('message', onMessage);
    if (process.connected) process.disconnect();
  };
}
