/**
 * Runs that cannot finish (issue 12, item 7), end to end: the estimate is printed before training, a run whose
 * memory cannot fit in the engine is refused with the flags to change, a run of many hours is warned about, and
 * the measured step time is printed after the first step.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(HERE, 'main.ts');
const WORK = mkdtempSync(join(tmpdir(), 'pretrain-estimate-'));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env.INIT_CWD;
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

afterAll(() => {
  rmSync(WORK, { recursive: true, force: true });
});

describe('pnpm pretrain: runs that cannot finish', () => {
  it('refuses a run whose estimated memory exceeds the wasm heap, naming the flags; warns about many hours', async () => {
    const out = join(WORK, 'huge');
    const r = await run([
      '--output-dir',
      out,
      '--max-seq-length',
      '4096',
      '--per-device-train-batch-size',
      '64',
      '--max-steps',
      '1000000',
      '--backend',
      'wasm',
      '--threads',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /estimate: ~.*\/step, ~.* for 1000000 step\(s\) .*peak memory ~[\d.]+ GiB of the wasm heap's 4 GiB/,
    );
    expect(r.stderr).toMatch(/warning: this run is estimated to take ~[\d.]+ (h|days)/);
    expect(r.stderr).toMatch(
      /pretrain: error: the estimated peak memory of a training step, [\d.]+ GiB, exceeds the wasm heap's 4 GiB: lower --per-device-train-batch-size 64 \(raise --gradient-accumulation-steps to keep the effective batch\) or --max-seq-length 4096, or a smaller model \(--model-config\), or --backend native/,
    );
    expect(existsSync(join(out, 'checkpoint-1'))).toBe(false);
  });

  it('a run that fits prints the estimate, then the measured step time after the first step', async () => {
    const r = await run([
      '--output-dir',
      join(WORK, 'small'),
      '--max-seq-length',
      '32',
      '--per-device-train-batch-size',
      '2',
      '--max-steps',
      '2',
      '--eval-steps',
      '0',
      '--max-eval-samples',
      '4',
      '--backend',
      'wasm',
      '--threads',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /estimate: ~.*\/step, ~.* for 2 step\(s\) .*peak memory ~\d+ MiB of the wasm heap's 4 GiB/,
    );
    expect(r.stderr).toMatch(
      /measured: .*\/step \(first step\) → ~.* for the remaining 1 step\(s\); memory in use/,
    );
    expect(r.stderr).not.toMatch(/warning/);
  });
});
