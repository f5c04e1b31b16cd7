import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** fsync a directory entry (best effort: some platforms refuse to open directories). */
export async function fsyncDir(path: string): Promise<void> {
  try {
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not supported on this platform/filesystem; the rename is still atomic.
  }
}

/** fsync every file below `dir` (files written by callbacks we do not control), then the directories. */
export async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    const p = join(dir, entry);
    const s = await stat(p);
    if (s.isDirectory()) await fsyncTree(p);
    else if (s.isFile()) {
      const fh = await open(p, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  await fsyncDir(dir);
}
