import { UsageError } from './errors.js';
import { checkFlagWord, type FlagSpec, type FlagValue, type FlagValues } from './flags.js';

/** What {@link parseArgv} read: flag values (by kebab-case name), positional words and deprecation notes. */
export interface ParsedArgv {
  values: FlagValues;
  positionals: string[];
  /** One line per deprecated alias used (`--vocab is deprecated: use --tokenizer`). */
  notes: string[];
}

interface Lookup {
  spec: FlagSpec;
  negated: boolean;
  note: string | null;
}

function lookupFlag(
  byName: Map<string, FlagSpec>,
  aliases: Map<string, FlagSpec>,
  name: string,
): Lookup | null {
  const direct = byName.get(name);
  if (direct) return { spec: direct, negated: false, note: null };
  const alias = aliases.get(name);
  if (alias) return { spec: alias, negated: false, note: `--${name} is deprecated: use --${alias.name}` };
  if (name.startsWith('no-')) {
    const base = lookupFlag(byName, aliases, name.slice(3));
    if (base && base.spec.type === 'boolean') return { ...base, negated: true };
  }
  // HF scripts spell flags in snake_case (`--learning_rate`): the same flag.
  if (name.includes('_')) return lookupFlag(byName, aliases, name.replace(/_/g, '-'));
  return null;
}

/** `--x` (or `--x=v`) as name and inline value. */
function splitFlag(arg: string): [string, string | undefined] {
  const body = arg.slice(2);
  const eq = body.indexOf('=');
  return eq < 0 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)];
}

const isFlagWord = (w: string) => w.startsWith('--') && w.length > 2;

/**
 * Parse `argv` (after the command words) against a command's flags — the one grammar of every command:
 * `--flag value` and `--flag=value` (`--flag_name` = `--flag-name`, as HF scripts write them); booleans as `--flag`, `--flag=true|false` and `--no-flag`; `strings` flags
 * take every following word up to the next `--flag`; `-h` is `--help`. With `positionals`, other words (and
 * every word after `--`) are collected in order; without, a bare `--` is skipped (`pnpm x -- --flag`) and any
 * other word is an error. Unknown flags, missing and bad values throw a {@link UsageError} naming the flag;
 * `seeHelp` is appended to the unknown-flag message.
 *
 * @example
 * parseArgv(specs, ['--max-steps', '10', '--no-whole-word-mask']).values; // { 'max-steps': 10, 'whole-word-mask': false }
 */
export function parseArgv(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  options: { positionals?: boolean; seeHelp?: string } = {},
): ParsedArgv {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const aliases = new Map(specs.flatMap((s) => (s.deprecatedAliases ?? []).map((a) => [a, s] as const)));
  const seeHelp = options.seeHelp ?? 'see --help';
  const out: ParsedArgv = { values: {}, positionals: [], notes: [] };
  let lastBoolean: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const afterBoolean = lastBoolean;
    lastBoolean = null;
    if (arg === '--') {
      if (options.positionals) {
        out.positionals.push(...argv.slice(i + 1));
        break;
      }
      continue;
    }
    if (arg === '-h') {
      out.values.help = true;
      continue;
    }
    if (!isFlagWord(arg)) {
      if (afterBoolean && /^(true|false|yes|no|0|1)$/i.test(arg)) {
        throw new UsageError(
          `unexpected argument "${arg}" after --${afterBoolean}: a boolean flag takes its value as ` +
            `--${afterBoolean}=${/^(false|no|0)$/i.test(arg) ? 'false' : 'true'} (or --no-${afterBoolean})`,
        );
      }
      if (options.positionals) {
        out.positionals.push(arg);
        continue;
      }
      throw new UsageError(`unexpected argument "${arg}" (flags start with --; ${seeHelp})`);
    }
    const [name, inline] = splitFlag(arg);
    const found = lookupFlag(byName, aliases, name);
    if (!found) throw new UsageError(`unknown flag --${name} (${seeHelp})`);
    const { spec, negated } = found;
    if (found.note && !out.notes.includes(found.note)) out.notes.push(found.note);
    i = readValue(spec, name, inline, negated, argv, i, out.values);
    if (spec.type === 'boolean' && inline === undefined && !negated) lastBoolean = spec.name;
  }
  return out;
}

/** Read the value of flag `spec` at `argv[i]` into `values`; returns the index of the last word used. */
function readValue(
  spec: FlagSpec,
  written: string,
  inline: string | undefined,
  negated: boolean,
  argv: readonly string[],
  i: number,
  values: FlagValues,
): number {
  const check = (raw: string | string[] | boolean): FlagValue => {
    try {
      return checkFlagWord(spec, raw);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
  if (spec.type === 'boolean') {
    if (negated) {
      if (inline !== undefined) throw new UsageError(`--${written} takes no value`);
      values[spec.name] = false;
    } else if (inline === undefined) values[spec.name] = true;
    else if (inline === 'true' || inline === 'false') values[spec.name] = inline === 'true';
    else throw new UsageError(`--${spec.name} must be true or false, got ${JSON.stringify(inline)}`);
    return i;
  }
  if (spec.type === 'strings') {
    const words: string[] = inline !== undefined ? [inline] : [];
    let j = i + 1;
    while (j < argv.length && !(argv[j] as string).startsWith('--')) words.push(argv[j++] as string);
    if (words.length === 0) {
      throw new UsageError(
        `--${spec.name} needs at least one value${spec.placeholder ? ` (${spec.placeholder})` : ''}`,
      );
    }
    const prior = (values[spec.name] as string[] | undefined) ?? [];
    values[spec.name] = [...prior, ...(check(words) as string[])];
    return j - 1;
  }
  if (inline !== undefined) {
    values[spec.name] = check(inline);
    return i;
  }
  const next = argv[i + 1];
  if (next === undefined || isFlagWord(next)) {
    throw new UsageError(`--${spec.name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`);
  }
  values[spec.name] = check(next);
  return i + 1;
}
