import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Check that `--output-dir` can hold a run's outputs: an existing directory, or a path that can be created (its
 * nearest existing ancestor is a writable directory). Throws an Error naming the flag and the path; nothing is
 * created or deleted.
 *
 * @example
 * checkOutputDir('runs/finetune-rte'); // ok; checkOutputDir('notes.txt') throws "exists and is not a directory"
 */
export function checkOutputDir(dir: string, flag = '--output-dir'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new Error(
        `${flag} ${dir}: exists and is not a directory; pass a directory path (it is created when absent)`,
      );
    }
    return;
  }
  let parent = dirname(resolve(dir));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new Error(
      `${flag} ${dir}: cannot be created because ${parent} is a file, not a directory; pass another path`,
    );
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new Error(`${flag} ${dir}: cannot be created: ${parent} is not writable; pass another path`);
  }
}
