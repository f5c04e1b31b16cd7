/**
 * Functions fit on a screen: no non-test function of the packages is longer than 80 lines (measured by
 * tools/scripts/long-functions.mjs with the TypeScript parser). The functions listed in KNOWN_LONG are still being
 * split: each may only shrink, and must be removed from the list once it fits (the test says so).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMIT,
  findLongFunctions,
  type LongFunction,
  sourceDirs,
} from '../../../tools/scripts/long-functions.mjs';

/** `file#name` → its length when this list was made. Shrink only. */
const KNOWN_LONG: Record<string, number> = {};

/** Where the limit applies: every library package and app. */
const DIRS: string[] = [...sourceDirs('packages'), ...sourceDirs('apps')];

describe('function length', () => {
  const found: LongFunction[] = findLongFunctions(DIRS, DEFAULT_LIMIT);
  const key = (f: LongFunction) => `${f.file}#${f.name}`;

  it(`no new function is longer than ${DEFAULT_LIMIT} lines, and the known ones only shrink`, () => {
    const over = found
      .filter((f) => !(key(f) in KNOWN_LONG) || f.lines > KNOWN_LONG[key(f)]!)
      .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
    expect(over, `split these into functions of at most ${DEFAULT_LIMIT} lines`).toEqual([]);
  });

  it('the list of known long functions names only functions still over the limit', () => {
    const still = new Set(found.map(key));
    const fixed = Object.keys(KNOWN_LONG).filter((k) => !still.has(k));
    expect(fixed, 'remove these from KNOWN_LONG: they fit now').toEqual([]);
  });

  it('the measurement sees functions (the scan is not empty)', () => {
    expect(findLongFunctions(DIRS, 20).length).toBeGreaterThan(50);
  });
});
