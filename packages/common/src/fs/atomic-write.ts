/**
 * The one way the project writes a file: atomically. The bytes go to a hidden temporary file beside the target
 * (`.name.tmp-<pid>-<random>`), which is fsynced, closed and renamed over the target. A crash or an error leaves
 * the target as it was (absent or the previous version), never half-written; on an error the temporary file is
 * removed. The parent directory is created when missing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What can be written: text (UTF-8), bytes, or a sequence of byte chunks written one after another. */
export type AtomicWriteContent = string | Uint8Array | Iterable<Uint8Array>;

const encoder = new TextEncoder();

function chunks(content: AtomicWriteContent): Iterable<Uint8Array> {
  if (typeof content === 'string') return [encoder.encode(content)];
  if (content instanceof Uint8Array) return [content];
  return content;
}

/** The hidden temporary path beside `path` (unique per process and call). */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Write `content` to `path` atomically (temporary file + fsync + rename).
 *
 * @example
 * await writeFileAtomic('run/config.json', `${JSON.stringify({ a: 1 })}\n`);
 */
export async function writeFileAtomic(path: string, content: AtomicWriteContent): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let ok = false;
  try {
    const fh = await open(tmp, 'w');
    try {
      for (const part of chunks(content)) await fh.writeFile(part);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    ok = true;
  } finally {
    if (!ok) await rm(tmp, { force: true });
  }
}

/**
 * Synchronous {@link writeFileAtomic}, for callers that must not yield (shard writers, the metrics log).
 *
 * @example
 * writeFileAtomicSync('out/manifest.json', [new TextEncoder().encode('{}')]);
 */
export function writeFileAtomicSync(path: string, content: AtomicWriteContent): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    for (const p of chunks(content)) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    ok = true;
  } finally {
    if (!ok) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(tmp);
      } catch {
        // never created or already gone
      }
    }
  }
}
