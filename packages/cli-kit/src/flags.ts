import { z } from 'zod';

/** Value kinds a flag can take. `strings` takes every following word up to the next `--flag`. */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'strings';

/** A parsed flag value. */
export type FlagValue = string | number | boolean | string[];

/** Parsed values by kebab-case flag name. */
export type FlagValues = Record<string, FlagValue>;

/** One `--kebab-case` flag of a command: its type, bounds, default and help. */
export interface FlagSpec {
  name: string;
  type: FlagType;
  description: string;
  choices?: readonly string[];
  /** Value placeholder in the help, e.g. `DIR`. */
  placeholder?: string;
  /** Value used when neither the command line nor `--config` gives one. */
  default?: FlagValue;
  /** Default shown in the help when it is not a fixed value (e.g. "the preset's"). */
  defaultText?: string;
  required?: boolean;
  /** Lower bound (inclusive) for numbers; `minExclusive` makes it exclusive. */
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  /** Old names still accepted, each with a one-line deprecation note naming this flag. */
  deprecatedAliases?: readonly string[];
}

/** `--help` and `--config FILE`: every command has them. */
export const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', description: 'Show this help.' };
export const CONFIG_FLAG: FlagSpec = {
  name: 'config',
  type: 'string',
  placeholder: 'FILE',
  description:
    'JSON object of flag values (keys as the flag names, kebab-case or snake_case, without "--"); flags on the command line win.',
};

function range(spec: FlagSpec): string {
  const lo = spec.min !== undefined ? `${spec.minExclusive ? '>' : '>='} ${spec.min}` : '';
  const hi = spec.max !== undefined ? `${spec.maxExclusive ? '<' : '<='} ${spec.max}` : '';
  return [lo, hi].filter(Boolean).join(' and ');
}

/**
 * What a flag's value must be, in words (`an integer >= 1`, `one of linear|cosine`).
 *
 * @example
 * expectation({ name: 'seed', type: 'integer', min: 0, description: '' }); // 'an integer >= 0'
 */
export function expectation(spec: FlagSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'true or false';
    case 'strings':
      return 'one or more non-empty strings';
    case 'string':
      return spec.choices ? `one of ${spec.choices.join('|')}` : 'a non-empty string';
    default: {
      const kind = spec.type === 'integer' ? 'an integer' : 'a number';
      const r = range(spec);
      return r ? `${kind} ${r}` : kind;
    }
  }
}

function numberSchema(spec: FlagSpec, msg: string): z.ZodType<number> {
  let s = z.number(msg);
  if (spec.type === 'integer') s = s.int(msg);
  if (spec.min !== undefined) s = spec.minExclusive ? s.gt(spec.min, msg) : s.gte(spec.min, msg);
  if (spec.max !== undefined) s = spec.maxExclusive ? s.lt(spec.max, msg) : s.lte(spec.max, msg);
  return s;
}

/**
 * The zod schema of one flag's value, used for both the command line (after its words are read as numbers or
 * booleans) and `--config` files, so both follow one rule. Its error message is `must be <expectation>`.
 */
export function flagSchema(spec: FlagSpec): z.ZodType<FlagValue> {
  const msg = `must be ${expectation(spec)}`;
  switch (spec.type) {
    case 'boolean':
      return z.boolean(msg);
    case 'strings':
      // A config file may give one path as a plain string.
      return z.preprocess(
        (v) => (typeof v === 'string' ? [v] : v),
        z.array(z.string(msg).min(1, msg), msg).min(1, msg),
      );
    case 'string':
      if (spec.choices && spec.choices.length > 0) {
        return z.enum(spec.choices as [string, ...string[]], msg);
      }
      return z.string(msg).min(1, msg);
    default:
      return numberSchema(spec, msg);
  }
}

/**
 * Check one command-line value (a word, or `true`/`false` for a boolean) against its flag. Throws the message
 * `--name must be …, got "raw"` as an Error; the parser turns it into a usage error.
 *
 * @example
 * checkFlagWord({ name: 'seed', type: 'integer', description: '' }, '7'); // 7
 */
export function checkFlagWord(spec: FlagSpec, raw: string | string[] | boolean): FlagValue {
  let value: unknown = raw;
  if ((spec.type === 'number' || spec.type === 'integer') && typeof raw === 'string') {
    value = raw.trim() === '' ? Number.NaN : Number(raw);
  }
  const r = flagSchema(spec).safeParse(value);
  if (r.success) return r.data;
  throw new Error(`--${spec.name} ${r.error.issues[0]?.message ?? 'is invalid'}, got ${JSON.stringify(raw)}`);
}

/** kebab-case of a flag key as a user may write it (`max_steps`, `maxSteps`, `--max-steps`). */
export function toFlagName(key: string): string {
  return key
    .replace(/^--/, '')
    .replace(/_/g, '-')
    .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
