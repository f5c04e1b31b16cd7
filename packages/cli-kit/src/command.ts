import { readConfigFile } from './config-file.js';
import { UsageError } from './errors.js';
import { CONFIG_FLAG, type FlagSpec, type FlagValues, HELP_FLAG } from './flags.js';
import { parseArgv } from './parse.js';

/** Words a command takes besides its flags (`bigs fill-mask "the [MASK] ran"`). */
export interface PositionalSpec {
  /** Placeholder shown in help, e.g. `TEXT`. */
  name: string;
  description: string;
}

/** One command as data: what `--help`, the parser and the docs' reference are made from. */
export interface CommandSpec {
  /** How the user types it, e.g. `pnpm pretrain` or `bigs data tokenize`. */
  usage: string;
  /** One line. */
  summary: string;
  /** Paragraphs between the usage line and the flags. */
  description?: string;
  /** Text after the flags. */
  details?: string;
  /** The command's own flags; `--config` and `--help` are added to every command. */
  flags: readonly FlagSpec[];
  /** Words that are not flags are collected (else they are an error). */
  positionals?: PositionalSpec;
}

/** Every flag of a command, `--config` and `--help` last. */
export function allFlags(cmd: CommandSpec): FlagSpec[] {
  return [...cmd.flags, CONFIG_FLAG, HELP_FLAG];
}

/** What {@link parseCommand} returns: a request for help, or the merged values. */
export type ParsedCommand =
  | { help: true }
  | {
      help: false;
      /** Defaults, overlaid by `--config`, overlaid by the command line. */
      values: FlagValues;
      /** Flags given on the command line or in `--config` (not defaults). */
      given: Set<string>;
      positionals: string[];
      /** Deprecation notes to print (one line each). */
      notes: string[];
    };

/**
 * Parse a command's argv: the one grammar ({@link parseArgv}), then `--config FILE` under the command line, then
 * the flags' defaults; a required flag missing from all three is a {@link UsageError}.
 *
 * @example
 * const p = parseCommand(cmd, ['--config', 'run.json', '--seed', '1']);
 * if (!p.help) p.values.seed; // 1, whatever run.json says
 */
export function parseCommand(cmd: CommandSpec, argv: readonly string[]): ParsedCommand {
  const seeHelp = `see ${cmd.usage} --help`;
  const flags = allFlags(cmd);
  const cli = parseArgv(flags, argv, { positionals: cmd.positionals !== undefined, seeHelp });
  if (cli.values.help === true) return { help: true };
  const file =
    typeof cli.values.config === 'string'
      ? readConfigFile(cli.values.config, flags)
      : { values: {}, notes: [] };
  delete cli.values.config;
  delete cli.values.help;
  const given = new Set([...Object.keys(file.values), ...Object.keys(cli.values)]);
  const values: FlagValues = {};
  for (const s of cmd.flags) if (s.default !== undefined) values[s.name] = s.default;
  Object.assign(values, file.values, cli.values);
  for (const s of cmd.flags) {
    if (s.required && values[s.name] === undefined) {
      throw new UsageError(`missing required flag --${s.name} (${seeHelp})`);
    }
  }
  return { help: false, values, given, positionals: cli.positionals, notes: [...file.notes, ...cli.notes] };
}

function sameValue(a: FlagValues[string] | undefined, b: FlagSpec['default']): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * The arguments that {@link parseArgv} turns back into `values` (flags at their default left out), in the order
 * of `specs`: `--name value`, `--name=value` for a value starting with `-`, `--name` / `--no-name` for booleans.
 * Unquoted: quote them for a shell yourself.
 *
 * @example
 * flagsToArgv(specs, { model: 'runs/m', quiet: true }); // ['--model', 'runs/m', '--quiet']
 */
export function flagsToArgv(
  specs: readonly FlagSpec[],
  values: Readonly<Record<string, FlagValues[string] | undefined>>,
): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const v = values[s.name];
    if (v === undefined || sameValue(v, s.default)) continue;
    if (s.type === 'boolean') out.push(v ? `--${s.name}` : `--no-${s.name}`);
    else if (Array.isArray(v)) out.push(`--${s.name}`, ...v);
    else if (String(v).startsWith('-')) out.push(`--${s.name}=${v}`);
    else out.push(`--${s.name}`, String(v));
  }
  return out;
}
