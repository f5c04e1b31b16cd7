import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from './errors.js';
import { type FlagSpec, type FlagValue, type FlagValues, flagSchema, toFlagName } from './flags.js';

/**
 * The zod schema of a `--config` object: every flag optional (keys already kebab-case), no other key.
 *
 * @example
 * configSchema(specs).safeParse({ 'max-steps': 100 }).success; // true
 */
export function configSchema(specs: readonly FlagSpec[]): z.ZodType<FlagValues> {
  const shape: Record<string, z.ZodType<FlagValue | undefined>> = {};
  for (const s of specs) {
    if (s.name === 'config' || s.name === 'help') continue;
    shape[s.name] = flagSchema(s).optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<FlagValues>;
}

/**
 * Read a `--config FILE`: a JSON object whose keys are flag names (kebab-case, snake_case or camelCase, with or
 * without `--`; deprecated names too) and whose values are JSON numbers, booleans, strings or arrays of strings.
 * `null` leaves a flag unset. Validated with {@link configSchema}: an unknown key or a bad value is a
 * {@link UsageError} naming the file and the key as written.
 *
 * @example
 * readConfigFile('train.json', specs); // { values: { 'max-steps': 100 }, notes: [] }
 */
export function readConfigFile(
  path: string,
  specs: readonly FlagSpec[],
): { values: FlagValues; notes: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UsageError(`--config ${path}: cannot read a JSON object (${why.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`--config ${path}: must be a JSON object of flag values ({"max-steps": 100, …})`);
  }
  const byName = new Map(specs.map((s) => [s.name, s]));
  const aliases = new Map(specs.flatMap((s) => (s.deprecatedAliases ?? []).map((a) => [a, s] as const)));
  const written = new Map<string, string>();
  const normalised: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    let name = toFlagName(key);
    const alias = aliases.get(name);
    if (alias) {
      notes.push(`--config ${path}: "${key}" is deprecated: use "${alias.name}"`);
      name = alias.name;
    }
    if (!byName.has(name) || name === 'config' || name === 'help') {
      throw new UsageError(
        `--config ${path}: unknown field "${key}" (fields are the flag names; see --help)`,
      );
    }
    written.set(name, key);
    if (value !== null) normalised[name] = value;
  }
  const r = configSchema(specs).safeParse(normalised);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const key = written.get(name) ?? name;
    throw new UsageError(
      `--config ${path}: field "${key}" ${issue.message}, got ${JSON.stringify(normalised[name])}`,
    );
  }
  return { values: r.data, notes };
}
