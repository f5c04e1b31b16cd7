/** Value kinds a flag can take. `strings` takes every following word up to the next `--flag`. */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'strings';

/** One `--kebab-case` flag of a command. */
export interface FlagSpec {
  name: string;
  type: FlagType;
  description: string;
  required?: boolean;
  default?: string | number | boolean | string[];
  choices?: readonly string[];
  /** Placeholder shown in help, e.g. `DIR`. */
  placeholder?: string;
}

/** Parsed flag values by flag name (kebab-case as written). */
export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

/** Where a command writes and reads. Tests pass their own. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input as text. */
  readStdin(): Promise<string>;
  /** Whether stdin is a terminal (no piped input). */
  stdinIsTTY: boolean;
}

/** Words a command takes besides its flags (`bigs fill-mask "the [MASK] ran"`), parsed into `flags._`. */
export interface PositionalSpec {
  /** Placeholder shown in help, e.g. `TEXT`. */
  name: string;
  description: string;
}

/** A leaf command such as `bigs data glue`. */
export interface Command {
  name: string;
  summary: string;
  /** Extra help text after the flags. */
  details?: string;
  flags: FlagSpec[];
  /**
   * Words that are not flags (any number, in order) are collected into `flags._` (a string array) instead of being
   * an error; `--` ends the flags (every later word is positional, even one starting with `--`).
   */
  positionals?: PositionalSpec;
  run(flags: ParsedFlags, io: CliIO): Promise<number | undefined> | number | undefined;
}

/** A command group such as `bigs data …`: one module under `src/commands/`. */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
  /**
   * Command run when the group is followed directly by flags (`bigs predict --model …`), so a group with one
   * main command needs no second word. `bigs <group> --help` then shows that command's help.
   */
  defaultCommand?: string;
}

/** A user error: printed as one line, exit code 1. */
export class UsageError extends Error {}

const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', description: 'Show this help.' };

/**
 * Parse `argv` (after the command words) against a command's flags. With `positionals`, words that are not flags
 * (and every word after `--`) go to `_` in order; without, such a word is an error.
 */
export function parseFlags(
  cmdPath: string,
  specs: FlagSpec[],
  argv: string[],
  positionals = false,
): ParsedFlags {
  const byName = new Map([...specs, HELP_FLAG].map((s) => [s.name, s]));
  const out: ParsedFlags = {};
  const words: string[] = [];
  if (positionals) out._ = words;
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (positionals && arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (positionals) {
        words.push(arg);
        i++;
        continue;
      }
      throw new UsageError(`unexpected argument "${arg}" (see ${cmdPath} --help)`);
    }
    let name = arg.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (see ${cmdPath} --help)`);
    i++;
    if (spec.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) {
        throw new UsageError(`--${name} takes no value or true/false, got "${inline}"`);
      }
      out[name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    if (spec.type === 'strings') {
      const vals: string[] = inline !== undefined ? [inline] : [];
      while (i < argv.length && !(argv[i] as string).startsWith('--')) vals.push(argv[i++] as string);
      if (vals.length === 0) throw new UsageError(`--${name} needs at least one value`);
      out[name] = [...((out[name] as string[] | undefined) ?? []), ...vals];
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i >= argv.length || ((argv[i] as string).startsWith('--') && spec.type === 'string')) {
        throw new UsageError(`--${name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`);
      }
      value = argv[i++] as string;
    }
    if (spec.type === 'number' || spec.type === 'integer') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
        throw new UsageError(
          `--${name} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got "${value}"`,
        );
      }
      out[name] = n;
    } else {
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join('|')}, got "${value}"`);
      }
      out[name] = value;
    }
  }
  if (out.help) return out;
  for (const s of specs) {
    if (out[s.name] === undefined && s.default !== undefined) out[s.name] = s.default;
    if (s.required && out[s.name] === undefined)
      throw new UsageError(`missing required flag --${s.name} (see ${cmdPath} --help)`);
  }
  return out;
}

function sameValue(a: ParsedFlags[string], b: FlagSpec['default']): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * The arguments that {@link parseFlags} turns back into `flags` (flags at their default value left out), in the
 * order of `specs`: `--name value`, `--name=value` for a value starting with `--`, `--name` for a boolean.
 * Unquoted: quote them for a shell with `shellJoin` of `@bigs/analysis`.
 *
 * @example
 * flagsToArgv(specs, { model: 'runs/m', quiet: true }); // ['--model', 'runs/m', '--quiet']
 */
export function flagsToArgv(specs: readonly FlagSpec[], flags: ParsedFlags): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const v = flags[s.name];
    if (v === undefined || sameValue(v, s.default)) continue;
    if (s.type === 'boolean') out.push(v ? `--${s.name}` : `--${s.name}=false`);
    else if (Array.isArray(v)) out.push(`--${s.name}`, ...v);
    else if (String(v).startsWith('--')) out.push(`--${s.name}=${v}`);
    else out.push(`--${s.name}`, String(v));
  }
  return out;
}

function flagUsage(s: FlagSpec): string {
  const ph = s.placeholder ?? (s.choices ? s.choices.join('|') : s.type.toUpperCase());
  if (s.type === 'boolean') return `--${s.name}`;
  if (s.type === 'strings') return `--${s.name} ${ph}...`;
  return `--${s.name} ${ph}`;
}

/** Help text of one command. */
export function commandHelp(prog: string, group: CommandGroup, cmd: Command): string {
  const words = cmd.positionals ? ` [${cmd.positionals.name}...]` : '';
  const lines = [`Usage: ${prog} ${group.name} ${cmd.name} [flags]${words}`, '', cmd.summary, ''];
  if (cmd.positionals)
    lines.push('Arguments:', `  ${cmd.positionals.name}...  ${cmd.positionals.description}`, '');
  lines.push('Flags:');
  const rows = [...cmd.flags, HELP_FLAG].map((s) => {
    const extra = [
      s.required ? 'required' : '',
      s.default !== undefined ? `default: ${JSON.stringify(s.default)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [flagUsage(s), `${s.description}${extra ? ` (${extra})` : ''}`];
  });
  const w = Math.max(...rows.map((r) => (r[0] as string).length));
  for (const [a, b] of rows) lines.push(`  ${(a as string).padEnd(w)}  ${b}`);
  if (cmd.details) lines.push('', cmd.details);
  return `${lines.join('\n')}\n`;
}

/** Help text listing every command of every group. */
export function mainHelp(prog: string, groups: CommandGroup[]): string {
  const lines = [`Usage: ${prog} <group> <command> [flags]`, '', 'Commands:'];
  const rows: [string, string][] = [];
  for (const g of groups) for (const c of g.commands) rows.push([`${g.name} ${c.name}`, c.summary]);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const g of groups) {
    lines.push(`  ${g.name} — ${g.summary}`);
    for (const c of g.commands) lines.push(`    ${`${g.name} ${c.name}`.padEnd(w)}  ${c.summary}`);
  }
  lines.push('', `Run \`${prog} <group> <command> --help\` for a command's flags.`);
  return `${lines.join('\n')}\n`;
}

function groupHelp(prog: string, g: CommandGroup): string {
  const w = Math.max(...g.commands.map((c) => c.name.length));
  const usage = g.defaultCommand
    ? `Usage: ${prog} ${g.name} [<command>] [flags]   (no command: ${g.defaultCommand})`
    : `Usage: ${prog} ${g.name} <command> [flags]`;
  return `${usage}\n\n${g.summary}\n\nCommands:\n${g.commands
    .map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`)
    .join('\n')}\n`;
}

/**
 * Route `argv` (without node and script) to a command and run it. Returns the exit code: 0 on success, 1 on a
 * user or input error (one line on stderr), the command's own code otherwise.
 */
export async function runCli(
  argv: string[],
  groups: CommandGroup[],
  io: CliIO,
  prog = 'bigs',
): Promise<number> {
  const [groupName, cmdName, ...rest] = argv;
  if (groupName === undefined || groupName === '--help' || groupName === '-h' || groupName === 'help') {
    io.stdout(mainHelp(prog, groups));
    return groupName === undefined ? 1 : 0;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group) {
    io.stderr(
      `${prog}: unknown command "${groupName}" (commands: ${groups.map((g) => g.name).join(', ')}; see ${prog} --help)\n`,
    );
    return 1;
  }
  const defaultCmd = group.commands.find((c) => c.name === group.defaultCommand);
  if (defaultCmd && cmdName !== undefined && cmdName.startsWith('-')) {
    return runCommand(prog, group, defaultCmd, [cmdName, ...rest], io);
  }
  // A default command that takes words: `bigs fill-mask "the [MASK] ran" --model DIR`.
  if (
    defaultCmd?.positionals &&
    cmdName !== undefined &&
    !cmdName.startsWith('-') &&
    !group.commands.some((c) => c.name === cmdName)
  ) {
    return runCommand(prog, group, defaultCmd, [cmdName, ...rest], io);
  }
  if (cmdName === undefined || cmdName === '--help' || cmdName === '-h') {
    io.stdout(groupHelp(prog, group));
    return cmdName === undefined ? 1 : 0;
  }
  const cmd = group.commands.find((c) => c.name === cmdName);
  if (!cmd) {
    io.stderr(
      `${prog} ${group.name}: unknown command "${cmdName}" (commands: ${group.commands.map((c) => c.name).join(', ')})\n`,
    );
    return 1;
  }
  return runCommand(prog, group, cmd, rest, io);
}

async function runCommand(
  prog: string,
  group: CommandGroup,
  cmd: Command,
  rest: string[],
  io: CliIO,
): Promise<number> {
  const path = `${prog} ${group.name} ${cmd.name}`;
  try {
    const flags = parseFlags(
      path,
      cmd.flags,
      rest.filter((a) => a !== '-h').concat(rest.includes('-h') ? ['--help'] : []),
      cmd.positionals !== undefined,
    );
    if (flags.help) {
      io.stdout(commandHelp(prog, group, cmd));
      return 0;
    }
    return (await cmd.run(flags, io)) ?? 0;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    io.stderr(`${path}: error: ${msg}\n`);
    if (process.env.BIGS_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return 1;
  }
}
