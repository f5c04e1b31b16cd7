import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives every test run its own temporary directory (TMPDIR, inherited by the test workers and the processes
 * they spawn), removed when the run ends, so tests that write model dirs and checkpoints leave nothing behind.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'bigs-test-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (!process.env.BIGS_KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true });
  };
}
