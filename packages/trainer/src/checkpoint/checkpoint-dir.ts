import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { faultPoint } from '../loop/fault-points.js';
import { fsyncDir, fsyncTree } from './fs-sync.js';

/** Checkpoint directories are named `checkpoint-<step>`. */
export const CHECKPOINT_PREFIX = 'checkpoint-';
const TMP_PREFIX = '.tmp-checkpoint-';
const OLD_PREFIX = '.old-checkpoint-';
const DELETING_PREFIX = '.deleting-checkpoint-';

/** A published checkpoint directory. */
export interface CheckpointEntry {
  step: number;
  path: string;
}

/**
 * Write a checkpoint atomically: `write(tmpDir)` fills a hidden temporary directory, every file is fsynced, and
 * the directory is renamed to `<outputDir>/checkpoint-<step>`. A crash or an exception at any point before the
 * rename leaves no `checkpoint-<step>` behind (the temporary is removed on exception, and by
 * {@link removeStaleTemporaries} after a hard crash). Re-saving an existing step replaces it.
 *
 * @example
 * await writeCheckpointAtomic('runs/a', 100, async (dir) => { await writeFile(join(dir, 'x'), '1'); });
 * // → 'runs/a/checkpoint-100'
 */
export async function writeCheckpointAtomic(
  outputDir: string,
  step: number,
  write: (tmpDir: string) => Promise<void>,
): Promise<string> {
  if (!(Number.isInteger(step) && step >= 0)) {
    throw new Error(`writeCheckpointAtomic: step must be an integer >= 0, got ${step}`);
  }
  await mkdir(outputDir, { recursive: true });
  const suffix = `${step}-${process.pid}-${Date.now().toString(36)}`;
  const tmp = join(outputDir, TMP_PREFIX + suffix);
  await mkdir(tmp);
  try {
    await write(tmp);
    await fsyncTree(tmp);
    await faultPoint('checkpoint-publish', step);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const final = join(outputDir, `${CHECKPOINT_PREFIX}${step}`);
  let old: string | null = null;
  if (await exists(final)) {
    old = join(outputDir, OLD_PREFIX + suffix);
    await rename(final, old);
  }
  await rename(tmp, final);
  await fsyncDir(outputDir);
  if (old) await rm(old, { recursive: true, force: true });
  return final;
}

/** The entry names of `dir`; none when it does not exist (or cannot be read). */
async function entryNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Published checkpoints of `outputDir`, ascending by step (temporaries and other entries are ignored). */
export async function listCheckpoints(outputDir: string): Promise<CheckpointEntry[]> {
  const names = await entryNames(outputDir);
  const out: CheckpointEntry[] = [];
  for (const name of names) {
    const m = /^checkpoint-(\d+)$/.exec(name);
    if (!m) continue;
    const path = join(outputDir, name);
    if ((await stat(path)).isDirectory()) out.push({ step: Number(m[1]), path });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Path of the checkpoint with the highest step, or null. */
export async function latestCheckpoint(outputDir: string): Promise<string | null> {
  const all = await listCheckpoints(outputDir);
  return all.length > 0 ? all[all.length - 1]!.path : null;
}

/**
 * Delete all but the newest `keepLast` checkpoints. Paths in `protect` are never deleted.
 * Returns the deleted paths.
 *
 * Each one is first renamed to a hidden `.deleting-checkpoint-<step>-…` name (one atomic rename), then removed:
 * a crash at any moment leaves either the complete `checkpoint-<step>` or a hidden directory that
 * {@link listCheckpoints} ignores and {@link removeStaleTemporaries} removes — never a published checkpoint
 * that holds only some of its files.
 */
export async function pruneCheckpoints(
  outputDir: string,
  keepLast: number,
  protect: string[] = [],
): Promise<string[]> {
  if (!(Number.isInteger(keepLast) && keepLast >= 1)) {
    throw new Error(`pruneCheckpoints: keepLast must be an integer >= 1, got ${keepLast}`);
  }
  const all = await listCheckpoints(outputDir);
  const keep = new Set([...all.slice(-keepLast).map((c) => c.path), ...protect].map((p) => resolve(p)));
  const deleted: string[] = [];
  for (const c of all) {
    if (keep.has(resolve(c.path))) continue;
    const hidden = join(outputDir, `${DELETING_PREFIX}${c.step}-${process.pid}-${Date.now().toString(36)}`);
    await rename(c.path, hidden);
    await fsyncDir(outputDir);
    await faultPoint('prune', c.step);
    await rm(hidden, { recursive: true, force: true });
    deleted.push(c.path);
  }
  return deleted;
}

/**
 * Clean up after a crashed save or prune: remove `.tmp-checkpoint-*` (never published) and
 * `.deleting-checkpoint-*` (pruned, already unpublished), and for `.old-checkpoint-<step>-*` (a replaced
 * checkpoint) restore it when the crash happened before its replacement was published, else remove it.
 * Returns the names removed.
 */
export async function removeStaleTemporaries(outputDir: string): Promise<string[]> {
  const names = await entryNames(outputDir);
  const removed: string[] = [];
  for (const name of names) {
    if (name.startsWith(OLD_PREFIX)) {
      const step = name.slice(OLD_PREFIX.length).split('-')[0];
      const final = join(outputDir, `${CHECKPOINT_PREFIX}${step}`);
      if (!(await exists(final))) {
        await rename(join(outputDir, name), final);
        continue;
      }
    }
    if (name.startsWith(TMP_PREFIX) || name.startsWith(OLD_PREFIX) || name.startsWith(DELETING_PREFIX)) {
      await rm(join(outputDir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** Step encoded in a `checkpoint-<step>` path, or null. */
export function checkpointStep(path: string): number | null {
  const m = /^checkpoint-(\d+)$/.exec(basename(path));
  return m ? Number(m[1]) : null;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
