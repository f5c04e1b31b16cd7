/**
 * @bigs/cli-kit — the one command-line layer of `pnpm pretrain`, `pnpm finetune` and `bigs`: declarative
 * {@link FlagSpec}s, one grammar ({@link parseArgv}), `--config FILE` validated with zod ({@link readConfigFile}),
 * one {@link UsageError} and error line ({@link errorLine}, exit code 2), and `--help` / Markdown reference
 * generated from the same definitions ({@link helpText}, {@link markdownReference}).
 *
 * @packageDocumentation
 */
export {
  allFlags,
  type CommandSpec,
  flagsToArgv,
  type ParsedCommand,
  type PositionalSpec,
  parseCommand,
} from './command.js';
export { configSchema, readConfigFile } from './config-file.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, errorLine, exitCodeOf, UsageError } from './errors.js';
export {
  CONFIG_FLAG,
  checkFlagWord,
  expectation,
  type FlagSpec,
  type FlagType,
  type FlagValue,
  type FlagValues,
  flagSchema,
  HELP_FLAG,
  toFlagName,
} from './flags.js';
export { flagNotes, flagUsage, helpText, markdownReference, mdCell, wrap } from './help.js';
export { type ParsedArgv, parseArgv } from './parse.js';
