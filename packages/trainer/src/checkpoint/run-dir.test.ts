import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputDir, prepareRunDir, RunDirError, safeToDelete } from './run-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'run-dir-'));
const quiet = () => {};

function checkpoint(dir: string, step: number, state: string): string {
  const c = join(dir, `checkpoint-${step}`);
  mkdirSync(c, { recursive: true });
  writeFileSync(join(c, 'trainer_state.json'), state);
  return c;
}

describe('checkOutputDir', () => {
  it('names the flag and the path of a file in the way', () => {
    const d = tmp();
    const f = join(d, 'f');
    writeFileSync(f, '');
    expect(() => checkOutputDir(f)).toThrow(
      `--output-dir ${f}: exists and is not a directory; pass a directory path (it is created when absent)`,
    );
    expect(() => checkOutputDir(join(f, 'run'))).toThrow(`cannot be created because ${f} is a file`);
    expect(() => checkOutputDir(join(d, 'new', 'run'))).not.toThrow();
    expect(() => checkOutputDir(f)).toThrow(RunDirError);
  });
});

describe('prepareRunDir', () => {
  it('fresh: creates the directory, resumes nothing', async () => {
    const out = join(tmp(), 'run');
    expect(
      await prepareRunDir({ outputDir: out, overwrite: false, resumeFrom: undefined, log: quiet }),
    ).toBeNull();
  });

  it('auto-resume from the latest checkpoint, with a note; overwrite deletes it', async () => {
    const out = tmp();
    const lines: string[] = [];
    checkpoint(out, 2, '{}');
    const c4 = checkpoint(out, 4, '{}');
    // an invalid trainer state is named with how to go on
    await expect(
      prepareRunDir({ outputDir: out, overwrite: false, resumeFrom: undefined, log: (l) => lines.push(l) }),
    ).rejects.toThrow(/trainer_state\.json: .*this checkpoint cannot be resumed: move .*checkpoint-4 aside/);
    expect(lines[0]).toContain(`resuming from ${c4}`);
    expect(
      await prepareRunDir({ outputDir: out, overwrite: true, resumeFrom: undefined, log: quiet }),
    ).toBeNull();
  });

  it('explicit resume errors', async () => {
    const out = tmp();
    await expect(
      prepareRunDir({ outputDir: out, overwrite: false, resumeFrom: 'latest', log: quiet }),
    ).rejects.toThrow(`--resume-from-checkpoint latest: no checkpoint-<step> in ${out}`);
    await expect(
      prepareRunDir({ outputDir: out, overwrite: false, resumeFrom: out, log: quiet }),
    ).rejects.toThrow('not a checkpoint dir (no trainer_state.json)');
    await expect(
      prepareRunDir({ outputDir: out, overwrite: true, resumeFrom: 'latest', log: quiet }),
    ).rejects.toThrow('exclude each other');
  });

  it('never deletes the working directory or a parent', () => {
    expect(safeToDelete(process.cwd())).toBe(false);
    expect(safeToDelete(join(process.cwd(), '..'))).toBe(false);
    expect(safeToDelete(join(tmp(), 'x'))).toBe(true);
  });
});
