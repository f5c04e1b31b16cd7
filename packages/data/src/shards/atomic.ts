import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write a file atomically: the parts go to a temporary file beside the target (`.name.tmp-<pid>-<rand>`), which
 * is fsynced and renamed over the target. On any error the temporary file is removed and the target is left as
 * it was (absent or the previous version).
 * @example
 * writeFileAtomic('out/manifest.json', [new TextEncoder().encode('{}')]);
 */
export function writeFileAtomic(path: string, parts: Iterable<Uint8Array>): void {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
  );
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    for (const p of parts) {
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
