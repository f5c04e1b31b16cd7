/** Types of long-functions.mjs (used by apps/docs/test/code-structure.test.ts). */
export interface LongFunction {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line the function starts on. */
  line: number;
  name: string;
  lines: number;
}
export const ROOT: string;
export const DEFAULT_LIMIT: number;
export function sourceDirs(group: 'packages' | 'apps' | 'tools'): string[];
export function longFunctionsIn(path: string, limit?: number): LongFunction[];
export function findLongFunctions(dirs: readonly string[], limit?: number): LongFunction[];
