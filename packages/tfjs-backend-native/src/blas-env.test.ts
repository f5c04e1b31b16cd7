import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { addonFile, nativeInfo } from './index.js';

/** blasInfo() and a GEMM result from a fresh process with `env` (the BLAS is chosen once per process). */
function probe(env: Record<string, string>): { name: string; note: string; c: number[] } {
  const script = `
    const a = require(${JSON.stringify(addonFile())});
    const A = new Float32Array([1, 2, 3, 4, 5, 6]), B = new Float32Array([1, 0, 0, 1, 1, 1]), C = new Float32Array(4);
    a.gemm(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C, 2);
    const i = a.blasInfo();
    process.stdout.write(JSON.stringify({ name: i.name, note: i.note, c: Array.from(C) }));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { name: string; note: string; c: number[] };
}

describe('BLAS selection (BIGS_BLAS)', () => {
  it('finds a BLAS by itself where one is installed, and reports it', () => {
    const info = nativeInfo();
    expect(info).not.toBeNull();
    // CI installs Debian's OpenBLAS runtime: there the BLAS path must be the one in use.
    if (process.env.BIGS_REQUIRE_NATIVE === '1') expect(info?.blas.name).not.toBe('built-in');
  });

  it('BIGS_BLAS=none forces the built-in GEMM, with the same result', () => {
    const none = probe({ BIGS_BLAS: 'none' });
    expect(none.name).toBe('built-in');
    expect(none.note).toBe('BIGS_BLAS=none');
    expect(none.c).toEqual([4, 5, 10, 11]);
    expect(probe({}).c).toEqual([4, 5, 10, 11]);
  });

  it('an unloadable BIGS_BLAS falls back to the built-in GEMM and says why', () => {
    const bad = probe({ BIGS_BLAS: '/nonexistent/libblas.so' });
    expect(bad.name).toBe('built-in');
    expect(bad.note).toMatch(/could not be loaded; using the built-in GEMM/);
    expect(bad.c).toEqual([4, 5, 10, 11]);
  });
});
