import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkpointStep,
  latestCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  removeStaleTemporaries,
  writeCheckpointAtomic,
} from './checkpoint-dir.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'bigs-ckpt-'));

describe('atomic checkpoints', () => {
  it('publishes checkpoint-<step> only after the writer finished', async () => {
    const out = fresh();
    let seenDuringWrite: string[] = [];
    const p = await writeCheckpointAtomic(out, 3, async (dir) => {
      await writeFile(join(dir, 'a.txt'), 'hello');
      seenDuringWrite = readdirSync(out);
    });
    expect(p).toBe(join(out, 'checkpoint-3'));
    expect(seenDuringWrite.some((n) => n.startsWith('checkpoint-'))).toBe(false);
    expect(await readFile(join(p, 'a.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(out)).toEqual(['checkpoint-3']);
    expect(checkpointStep(p)).toBe(3);
  });

  it('a crash mid-write (exception) leaves no checkpoint-N and no temporary', async () => {
    const out = fresh();
    await expect(
      writeCheckpointAtomic(out, 7, async (dir) => {
        await writeFile(join(dir, 'model.safetensors'), 'half');
        throw new Error('disk full (simulated)');
      }),
    ).rejects.toThrow(/disk full/);
    expect(existsSync(join(out, 'checkpoint-7'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a hard crash leaves only a hidden temporary that is ignored and cleaned up; a replaced one is restored', async () => {
    const out = fresh();
    await writeCheckpointAtomic(out, 1, async (dir) => writeFile(join(dir, 'x'), '1'));
    mkdirSync(join(out, '.tmp-checkpoint-2-123-abc'));
    writeFileSync(join(out, '.tmp-checkpoint-2-123-abc', 'x'), 'partial');
    // crash between moving the old checkpoint-5 aside and publishing its replacement
    mkdirSync(join(out, '.old-checkpoint-5-123-abc'));
    writeFileSync(join(out, '.old-checkpoint-5-123-abc', 'x'), '5');
    expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([1]);
    expect(await latestCheckpoint(out)).toBe(join(out, 'checkpoint-1'));
    expect(await removeStaleTemporaries(out)).toEqual(['.tmp-checkpoint-2-123-abc']);
    expect(readdirSync(out).sort()).toEqual(['checkpoint-1', 'checkpoint-5']);
  });

  it('re-saving a step replaces it; keep-last-K prunes the oldest and spares protected paths', async () => {
    const out = fresh();
    for (const s of [2, 4, 6, 8])
      await writeCheckpointAtomic(out, s, async (d) => writeFile(join(d, 'v'), `${s}`));
    await writeCheckpointAtomic(out, 8, async (d) => writeFile(join(d, 'v'), 'again'));
    expect(await readFile(join(out, 'checkpoint-8', 'v'), 'utf8')).toBe('again');
    const deleted = await pruneCheckpoints(out, 2, [join(out, 'checkpoint-2')]);
    expect(deleted).toEqual([join(out, 'checkpoint-4')]);
    expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([2, 6, 8]);
    await expect(pruneCheckpoints(out, 0)).rejects.toThrow(/keepLast must be an integer >= 1/);
  });

  it('pruning hides a checkpoint before removing it: kill -9 mid-prune never leaves a half checkpoint', async () => {
    const out = fresh();
    const files = [
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
      'trainer_state.json',
      'vocab.txt',
    ];
    for (const s of [1, 2, 3]) {
      await writeCheckpointAtomic(out, s, async (d) => {
        for (const f of files) await writeFile(join(d, f), `${f} of ${s}`);
      });
    }
    // A process pruning to 1, killed (-9) while checkpoint-1 is being removed (the fault point holds it there).
    const here = dirname(fileURLToPath(import.meta.url));
    const root = resolve(here, '../../../..');
    const script = join(out, '..', `prune-${Date.now()}.mts`);
    writeFileSync(
      script,
      `import { pruneCheckpoints } from ${JSON.stringify(pathToFileURL(join(here, 'checkpoint-dir.ts')).href)};\n` +
        `await pruneCheckpoints(${JSON.stringify(out)}, 1);\n`,
    );
    const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, script], {
      env: { ...process.env, BIGS_FAULT_POINTS: 'prune:30000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    await new Promise<void>((res, rej) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/\[fault-point\] prune step=1/.test(err)) {
          child.kill('SIGKILL');
          res();
        }
      });
      child.on('exit', () => rej(new Error(`pruning process ended before the fault point: ${err}`)));
    });
    await new Promise((r) => child.on('close', r));
    const names = readdirSync(out).sort();
    expect(names.filter((n) => n.startsWith('checkpoint-'))).toEqual(['checkpoint-2', 'checkpoint-3']);
    expect(names.some((n) => n.startsWith('.deleting-checkpoint-1-'))).toBe(true);
    for (const c of ['checkpoint-2', 'checkpoint-3'])
      expect(readdirSync(join(out, c)).sort()).toEqual(files.sort());
    expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([2, 3]);
    // The next start cleans the hidden leftover; pruning again finishes the job.
    expect((await removeStaleTemporaries(out)).some((n) => n.startsWith('.deleting-checkpoint-1-'))).toBe(
      true,
    );
    expect(await pruneCheckpoints(out, 1)).toEqual([join(out, 'checkpoint-2')]);
    expect(readdirSync(out)).toEqual(['checkpoint-3']);
  });
});
