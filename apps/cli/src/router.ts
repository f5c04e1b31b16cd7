/**
 * The `bigs` router: command groups (`bigs data …`, `bigs predict …`) and their commands, on the one command-line
 * layer of @bigs/cli-kit (grammar, `--config FILE`, errors `bigs <command>: error: …` with exit code 2 for usage
 * errors, generated `--help`).
 */
import {
  type CommandSpec,
  EXIT_USAGE,
  errorLine,
  exitCodeOf,
  type FlagSpec,
  type FlagValue,
  type PositionalSpec,
  parseCommand,
  helpText as renderHelp,
} from '@bigs/cli-kit';

export { type FlagSpec, type FlagType, flagsToArgv, type PositionalSpec, UsageError } from '@bigs/cli-kit';

/** Parsed flag values by flag name (kebab-case as written); positional words in `_`. */
export type ParsedFlags = Record<string, FlagValue | undefined>;

/** Where a command writes and reads. Tests pass their own. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input as text. */
  readStdin(): Promise<string>;
  /** Whether stdin is a terminal (no piped input). */
  stdinIsTTY: boolean;
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

/** How the user types a command: `bigs predict` for a group's default command, else `bigs data glue`. */
export function commandPath(prog: string, group: CommandGroup, cmd: Command): string {
  return group.defaultCommand === cmd.name ? `${prog} ${group.name}` : `${prog} ${group.name} ${cmd.name}`;
}

/** A `bigs` command as @bigs/cli-kit data: what its `--help`, parser and docs section are made from. */
export function commandSpec(prog: string, group: CommandGroup, cmd: Command): CommandSpec {
  return {
    usage: commandPath(prog, group, cmd),
    summary: cmd.summary,
    flags: cmd.flags,
    ...(cmd.details ? { details: cmd.details } : {}),
    ...(cmd.positionals ? { positionals: cmd.positionals } : {}),
  };
}

/** Every command of every group as a {@link CommandSpec}, in help order (for the docs' reference). */
export function allCommandSpecs(prog: string, groups: readonly CommandGroup[]): CommandSpec[] {
  return groups.flatMap((g) => g.commands.map((c) => commandSpec(prog, g, c)));
}

/**
 * Parse `argv` (after the command words) against a command's flags: the one grammar of @bigs/cli-kit, `--config
 * FILE` under the command line, then the defaults. Positional words (with `positionals`) go to `_`.
 */
export function parseFlags(
  cmdPath: string,
  specs: FlagSpec[],
  argv: string[],
  positionals = false,
): ParsedFlags & { _notes?: string[] } {
  const spec: CommandSpec = {
    usage: cmdPath,
    summary: '',
    flags: specs,
    ...(positionals ? { positionals: { name: 'WORD', description: '' } } : {}),
  };
  const p = parseCommand(spec, argv);
  if (p.help) return { help: true };
  const out: ParsedFlags & { _notes?: string[] } = { ...p.values };
  if (positionals) out._ = p.positionals;
  if (p.notes.length) out._notes = p.notes;
  return out;
}

/** Help text of one command. */
export function commandHelp(prog: string, group: CommandGroup, cmd: Command): string {
  return renderHelp(commandSpec(prog, group, cmd));
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
 * Route `argv` (without node and script) to a command and run it. Returns the exit code: 0 on success, 2 on a
 * usage error, 1 when the command fails (one line on stderr: `bigs <command>: error: …`), or the command's own.
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
    return groupName === undefined ? EXIT_USAGE : 0;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group) {
    io.stderr(
      `${prog}: error: unknown command "${groupName}" (commands: ${groups.map((g) => g.name).join(', ')}; see ${prog} --help)\n`,
    );
    return EXIT_USAGE;
  }
  const defaultCmd = group.commands.find((c) => c.name === group.defaultCommand);
  const isCommand = (w: string) => group.commands.some((c) => c.name === w);
  // `bigs predict --model …`, and a default command that takes words: `bigs fill-mask "the [MASK] ran" --model DIR`.
  if (
    defaultCmd &&
    cmdName !== undefined &&
    (cmdName.startsWith('-') || (defaultCmd.positionals && !isCommand(cmdName)))
  ) {
    return runCommand(prog, group, defaultCmd, [cmdName, ...rest], io);
  }
  if (cmdName === undefined || cmdName === '--help' || cmdName === '-h') {
    io.stdout(groupHelp(prog, group));
    return cmdName === undefined ? EXIT_USAGE : 0;
  }
  const cmd = group.commands.find((c) => c.name === cmdName);
  if (!cmd) {
    io.stderr(
      `${prog} ${group.name}: error: unknown command "${cmdName}" (commands: ${group.commands.map((c) => c.name).join(', ')})\n`,
    );
    return EXIT_USAGE;
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
  const path = commandPath(prog, group, cmd);
  try {
    const flags = parseFlags(path, cmd.flags, rest, cmd.positionals !== undefined);
    if (flags.help) {
      io.stdout(commandHelp(prog, group, cmd));
      return 0;
    }
    for (const note of flags._notes ?? []) io.stderr(`note: ${note}\n`);
    delete flags._notes;
    return (await cmd.run(flags, io)) ?? 0;
  } catch (e) {
    io.stderr(`${errorLine(path, e)}\n`);
    if (process.env.BIGS_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return exitCodeOf(e);
  }
}
