import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputDir } from '@bigs/trainer';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { runCli } from './cli.js';

function captureIO() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
}

describe('--output-dir', () => {
  it('an existing file: one line naming the flag and the path, no stack trace, the file untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me\n');
    const model = join(dir, 'model');
    mkdirSync(model);
    const io = captureIO();
    const code = await runCli(['--model-name-or-path', model, '--output-dir', file], io);
    expect(code).toBe(2);
    expect(io.err.join('')).toBe(
      `finetune: error: --output-dir ${file}: exists and is not a directory; pass a directory path (it is created when absent)\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('a path below a file cannot be created: named; a new or existing directory is fine', () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    writeFileSync(file, '');
    expect(() => checkOutputDir(join(file, 'run'))).toThrow(
      new RegExp(`^--output-dir ${file}/run: cannot be created because ${file} is a file`),
    );
    expect(() => checkOutputDir(join(dir, 'new', 'run'))).not.toThrow();
    expect(() => checkOutputDir(dir)).not.toThrow();
  });
});
