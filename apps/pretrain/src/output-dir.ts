import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TRAINER_STATE_FILE, validateTrainerState } from '@bigs/trainer';
import { UsageError } from './flags.js';

/**
 * Check that `--output-dir` can be a run directory: an existing directory, or a path that can be created (its
 * nearest existing ancestor is a writable directory). Throws a {@link UsageError} naming the flag and the path.
 *
 * @example
 * checkOutputDir('runs/pretrain-tiny'); // ok; checkOutputDir('notes.txt') throws "exists and is not a directory"
 */
export function checkOutputDir(dir: string, flag = '--output-dir'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError(
        `${flag} ${dir}: exists and is not a directory; pass a directory path (a new one is created, an existing run directory is resumed)`,
      );
    }
    return;
  }
  let parent = dirname(resolve(dir));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new UsageError(
      `${flag} ${dir}: cannot be created because ${parent} is a file, not a directory; pass another path`,
    );
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: cannot be created: ${parent} is not writable; pass another path`);
  }
}

/**
 * Read and check a checkpoint's `trainer_state.json` before resuming from it, so that a corrupt one is an error
 * naming the file and saying how to go on (instead of a bare JSON parse error in the middle of the run).
 *
 * @example
 * checkResumeState('runs/pretrain-tiny/checkpoint-8', { outputDir: 'runs/pretrain-tiny', explicit: false });
 */
export function checkResumeState(
  checkpointDir: string,
  context: { outputDir: string; explicit: boolean },
): void {
  const path = join(checkpointDir, TRAINER_STATE_FILE);
  const howTo = context.explicit
    ? `pass another checkpoint to --resume-from-checkpoint, or leave the flag out to start over in ${context.outputDir}`
    : `move ${checkpointDir} aside to resume from the checkpoint before it, pass --resume-from-checkpoint DIR for another one, or pass --overwrite-output-dir to start over (this deletes ${context.outputDir})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${path}: cannot read the checkpoint's trainer state (${(e as Error).message}); ${howTo}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${path}: corrupt trainer state, not valid JSON (${(e as Error).message}); this checkpoint cannot be resumed: ${howTo}`,
    );
  }
  try {
    validateTrainerState(raw, path);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; this checkpoint cannot be resumed: ${howTo}`);
  }
}
