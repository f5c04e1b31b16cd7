/**
 * Thread scenarios run in child processes: the wasm module and its thread count are process-wide, and
 * vitest runs this package's test files in one process.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EngineInfo } from './init-engine.js';

const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const child = fileURLToPath(new URL('./wasm-threads.child.ts', import.meta.url));

interface ChildResult {
  info: EngineInfo;
  maxErr: number;
  gradSumFinite: boolean;
  leaked: number;
}

function runChild(args: string[]): Promise<{ result: ChildResult; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsxCli, child, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`child ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ result: JSON.parse(line) as ChildResult, ms: Date.now() - t0 });
      } catch {
        reject(new Error(`child ${args.join(' ')} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

const multiCore = os.cpus().length >= 2;

describe('wasm threads (child processes)', () => {
  it.runIf(multiCore)(
    'the shim gives threaded wasm with correct results, and the process exits',
    async () => {
      const { result } = await runChild(['2']);
      // The shim is guarded: if it falls back here, the note says why — surface it in the failure.
      expect(result.info.notes).toEqual([]);
      expect(result.info).toMatchObject({ backend: 'wasm', variant: 'wasm-mt', threads: 2, simd: true });
      expect(result.maxErr).toBeLessThan(1e-4);
      expect(result.gradSumFinite).toBe(true);
      expect(result.leaked).toBe(0);
    },
  );

  it.runIf(multiCore)('falls back to single-threaded wasm when the shim fails before loading', async () => {
    const { result } = await runChild(['2', 'init']);
    expect(result.info).toMatchObject({ backend: 'wasm', variant: 'wasm', threads: 1 });
    expect(result.info.notes.join(' ')).toMatch(/wasm threads shim failed \(.*supports only 4\.22\.0/);
    expect(result.maxErr).toBeLessThan(1e-4);
    expect(result.leaked).toBe(0);
  });

  it.runIf(multiCore)('falls back to single-threaded wasm when the threaded self-check fails', async () => {
    const { result } = await runChild(['2', 'self-check']);
    expect(result.info).toMatchObject({ backend: 'wasm', variant: 'wasm', threads: 1 });
    expect(result.info.notes.join(' ')).toMatch(/matmul self-check failed/);
    expect(result.maxErr).toBeLessThan(1e-4);
    expect(result.leaked).toBe(0);
  });

  it('threads: 1 never loads the threaded build', async () => {
    const { result } = await runChild(['1']);
    expect(result.info).toMatchObject({ variant: 'wasm', threads: 1, notes: [] });
  });
});
