import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'bigs-atomic-'));

describe('writeFileAtomic / writeFileAtomicSync', () => {
  it('writes text, bytes and chunk lists, replacing the old file and leaving no temporary behind', async () => {
    const dir = fresh();
    const path = join(dir, 'sub', 'a.txt');
    await writeFileAtomic(path, 'first\n');
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    await writeFileAtomic(path, [new Uint8Array([104, 105]), new Uint8Array([33])]);
    expect(readFileSync(path, 'utf8')).toBe('hi!');
    writeFileAtomicSync(path, new Uint8Array([111, 107]));
    expect(readFileSync(path, 'utf8')).toBe('ok');
    writeFileAtomicSync(
      join(dir, 'b.txt'),
      ['x', 'y'].map((s) => new TextEncoder().encode(s)),
    );
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('xy');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.txt']);
  });

  it('leaves the previous file and no temporary when a chunk fails mid-write', async () => {
    const dir = fresh();
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'old');
    function* failing(): Iterable<Uint8Array> {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow(/source broke/);
    expect(() => writeFileAtomicSync(path, failing())).toThrow(/source broke/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
