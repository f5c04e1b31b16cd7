/**
 * The run directory of `pnpm pretrain` and `pnpm finetune` (HF `TrainingArguments` names): checking
 * `--output-dir`, `--overwrite-output-dir`, `--resume-from-checkpoint DIR|latest` and auto-resume from the latest
 * `checkpoint-<step>`, with errors that name the flag or file and say how to go on.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { latestCheckpoint } from './checkpoint-dir.js';
import { TRAINER_STATE_FILE, validateTrainerState } from './trainer-state.js';

/** A run-directory problem the user must fix (a usage error: exit code 2 in the apps). */
export class RunDirError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'RunDirError';
  }
}

/**
 * Check that `dir` can hold a run: an existing directory, or a path that can be created (its nearest existing
 * ancestor is a writable directory). Creates and deletes nothing; throws a {@link RunDirError} naming `flag`.
 *
 * @example
 * checkOutputDir('runs/pretrain-tiny'); // ok; checkOutputDir('notes.txt') throws "exists and is not a directory"
 */
export function checkOutputDir(dir: string, flag = '--output-dir'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new RunDirError(
        `${flag} ${dir}: exists and is not a directory; pass a directory path (it is created when absent)`,
      );
    }
    return;
  }
  let parent = dirname(resolve(dir));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) {
    throw new RunDirError(
      `${flag} ${dir}: cannot be created because ${parent} is a file, not a directory; pass another path`,
    );
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new RunDirError(`${flag} ${dir}: cannot be created: ${parent} is not writable; pass another path`);
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
    throw new RunDirError(
      `${path}: cannot read the checkpoint's trainer state (${(e as Error).message}); ${howTo}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RunDirError(
      `${path}: corrupt trainer state, not valid JSON (${(e as Error).message}); this checkpoint cannot be resumed: ${howTo}`,
    );
  }
  try {
    validateTrainerState(raw, path);
  } catch (e) {
    throw new RunDirError(`${(e as Error).message}; this checkpoint cannot be resumed: ${howTo}`);
  }
}

/** Whether `dir` may be deleted: not the working directory or one of its parents. */
export function safeToDelete(dir: string): boolean {
  const rel = relative(resolve(dir), process.cwd());
  return rel !== '' && (rel.startsWith('..') || rel.split(sep)[0] === '..') && resolve(dir) !== sep;
}

/** What {@link prepareRunDir} does with an output directory. */
export interface RunDirOptions {
  outputDir: string;
  /** `--overwrite-output-dir`: delete it first. */
  overwrite: boolean;
  /** `--resume-from-checkpoint`: a checkpoint dir, `latest`, or undefined (auto-resume when one exists). */
  resumeFrom: string | undefined;
  /** Where the auto-resume note goes. */
  log: (line: string) => void;
}

/**
 * Make the run directory ready, HF `run_mlm.py` style: with `overwrite` delete it (never the working directory
 * or a parent); resume from `resumeFrom` (a checkpoint dir or `latest`), or else from the newest checkpoint found
 * in it; check the chosen checkpoint's trainer state; create the directory. Returns the checkpoint to resume
 * from, or null for a fresh run. Errors are {@link RunDirError}s saying how to go on.
 *
 * @example
 * await prepareRunDir({ outputDir: 'runs/pretrain-tiny', overwrite: false, resumeFrom: undefined, log: console.error });
 */
export async function prepareRunDir(o: RunDirOptions): Promise<string | null> {
  checkOutputDir(o.outputDir);
  if (o.overwrite && existsSync(o.outputDir)) {
    if (o.resumeFrom)
      throw new RunDirError('--overwrite-output-dir and --resume-from-checkpoint exclude each other');
    if (!safeToDelete(o.outputDir)) {
      throw new RunDirError(
        `--overwrite-output-dir refuses to delete ${o.outputDir} (the working directory or a parent)`,
      );
    }
    rmSync(o.outputDir, { recursive: true, force: true });
  }
  let resumeDir: string | null = null;
  if (o.resumeFrom === 'latest') {
    resumeDir = existsSync(o.outputDir) ? await latestCheckpoint(o.outputDir) : null;
    if (!resumeDir)
      throw new RunDirError(`--resume-from-checkpoint latest: no checkpoint-<step> in ${o.outputDir}`);
  } else if (o.resumeFrom) {
    if (!existsSync(join(o.resumeFrom, TRAINER_STATE_FILE))) {
      throw new RunDirError(
        `--resume-from-checkpoint ${o.resumeFrom}: not a checkpoint dir (no ${TRAINER_STATE_FILE})`,
      );
    }
    resumeDir = o.resumeFrom;
  } else if (existsSync(o.outputDir)) {
    resumeDir = await latestCheckpoint(o.outputDir);
    if (resumeDir) {
      o.log(`checkpoint detected, resuming from ${resumeDir} (pass --overwrite-output-dir to start over)`);
    }
  }
  if (resumeDir)
    checkResumeState(resumeDir, { outputDir: o.outputDir, explicit: o.resumeFrom !== undefined });
  mkdirSync(o.outputDir, { recursive: true });
  return resumeDir;
}
