import { constants } from 'node:os';

/**
 * The one owner of SIGINT/SIGTERM in `@bigs/trainer`: which signals stop a run, how a repeat is told from a new
 * request, the exit code a stop by signal maps to, and how the process is stopped "now".
 *
 * A stop request is handled in two phases: the first signal asks the loop to finish its step, save and return (the
 * caller acts on `TrainResult.exitCode`); a later or different signal stops now. The library never calls
 * `process.exit`: "now" removes this module's listeners and raises the signal again, so the process ends as an
 * unhandled signal ends it (the shell and {@link runSupervised} report 128 + signo). Checkpoints are atomic, so
 * nothing half-written shows.
 */

/** Set to 1 in a training child started by `runSupervised` (see supervisor.ts). */
export const SUPERVISED_ENV = 'BIGS_SUPERVISED_CHILD';

/**
 * True in a training child started by `runSupervised` (its IPC channel to the launcher is open).
 *
 * @example
 * isSupervisedChild(); // false in a launcher or a plain process
 */
export function isSupervisedChild(): boolean {
  return process.env[SUPERVISED_ENV] === '1' && typeof process.send === 'function';
}

/** The signals that stop a run. */
export type StopSignal = 'SIGINT' | 'SIGTERM';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** A repeat of the same signal within this window is the same request (one Ctrl-C relayed by several processes). */
export const SIGNAL_REPEAT_WINDOW_MS = 3000;

/** IPC messages from a launcher to its training child. */
export interface StopMessage {
  type: 'bigs-stop' | 'bigs-stop-now';
  signal: StopSignal;
}

/**
 * The exit code of a process stopped by `signal`: 128 + signo (130 for SIGINT, 143 for SIGTERM).
 *
 * @example
 * signalExitCode('SIGTERM'); // 143
 */
export function signalExitCode(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? constants.signals.SIGTERM);
}

/** Read a launcher's IPC message; null when it is not a stop message. */
export function parseStopMessage(m: unknown): StopMessage | null {
  const msg = m as Partial<StopMessage> | null;
  if (!msg || (msg.type !== 'bigs-stop' && msg.type !== 'bigs-stop-now')) return null;
  return { type: msg.type, signal: msg.signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM' };
}

/**
 * Classifies successive signals: the first is a 'request', the same signal again within `windowMs` a 'repeat'
 * (ignored), anything later or different 'now'. Shared by the launcher and the in-process listener.
 *
 * @example
 * const r = new StopRequests(3000);
 * r.classify('SIGINT'); // 'request'
 * r.classify('SIGINT'); // 'repeat' (within 3 s)
 * r.classify('SIGTERM'); // 'now'
 */
export class StopRequests {
  private first: { signal: StopSignal; at: number } | null = null;

  constructor(private readonly windowMs: number) {}

  /** True once a first request was seen. */
  get requested(): boolean {
    return this.first !== null;
  }

  classify(signal: StopSignal, at = Date.now()): 'request' | 'repeat' | 'now' {
    const f = this.first;
    if (f === null) {
      this.first = { signal, at };
      return 'request';
    }
    return signal === f.signal && at - f.at < this.windowMs ? 'repeat' : 'now';
  }
}

/** Removers of the active {@link onStopSignals} listeners (a launcher's requests go to them while any is active). */
const activeListeners = new Set<() => void>();

/** True while an {@link onStopSignals} listener is active (a run is in its loop). */
export function hasStopListeners(): boolean {
  return activeListeners.size > 0;
}

/**
 * Stop the process now: remove every listener of this module and raise `signal` again, so the process ends as an
 * unhandled signal ends it. The one "stop now" path of the package.
 */
export function stopNow(signal: StopSignal): void {
  for (const remove of [...activeListeners]) remove();
  process.kill(process.pid, signal);
}

/** Callbacks of {@link onStopSignals}. */
export interface StopHandlers {
  /** First request: finish the current step, save, stop. Called once. */
  stop(signal: StopSignal): void;
  /** Stop now. Default: {@link stopNow}. */
  now?(signal: StopSignal): void;
  /** A line for stderr when the first request is handled (not printed under a launcher, which already did). */
  message?(signal: StopSignal): string;
}

/**
 * Listen for stop requests: SIGINT/SIGTERM, and in a supervised child ({@link isSupervisedChild}) also the launcher's IPC
 * messages. Signals that reach a supervised child directly count only as a first request: the launcher received
 * them too and decides about "now". Returns the remover.
 *
 * @example
 * const off = onStopSignals({ stop: (s) => trainer.requestStop('signal', s) });
 * await trainer.train();
 * off();
 */
export function onStopSignals(handlers: StopHandlers): () => void {
  const supervised = isSupervisedChild();
  const now = handlers.now ?? stopNow;
  const requests = new StopRequests(SIGNAL_REPEAT_WINDOW_MS);
  const request = (signal: StopSignal) => {
    if (!supervised && handlers.message) process.stderr.write(`\n${handlers.message(signal)}\n`);
    handlers.stop(signal);
  };
  const onSignal = (signal: StopSignal) => {
    const kind = requests.classify(signal);
    if (kind === 'request') request(signal);
    else if (kind === 'now' && !supervised) now(signal);
  };
  const onMessage = (m: unknown) => {
    const msg = parseStopMessage(m);
    if (msg?.type === 'bigs-stop-now') now(msg.signal);
    else if (msg && !requests.requested) {
      requests.classify(msg.signal);
      request(msg.signal);
    }
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  if (supervised) process.on('message', onMessage);
  const remove = () => {
    if (!activeListeners.delete(remove)) return;
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    if (supervised) process.off('message', onMessage);
  };
  activeListeners.add(remove);
  return remove;
}
