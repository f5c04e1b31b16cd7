/** Exit codes of every command: 0 done, 1 the run failed, 2 a usage error (nothing was run). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A usage error: a flag, a `--config` file or an input named on the command line is wrong, and the message says
 * which and what to do. Printed as one line (`bigs pretrain: error: …`), exit code {@link EXIT_USAGE}.
 */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The one error line of a command: `<prog>: error: <first line of the message>`.
 *
 * @example
 * errorLine('pnpm pretrain', new UsageError('--seed must be an integer >= 0, got "x"'));
 * // 'pnpm pretrain: error: --seed must be an integer >= 0, got "x"'
 */
export function errorLine(prog: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `${prog}: error: ${message.split('\n')[0]}`;
}

/** The exit code for an error: {@link EXIT_USAGE} for a {@link UsageError} (or its own `exitCode`), else 1. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT_USAGE;
  const code = (e as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : EXIT_FAILURE;
}
