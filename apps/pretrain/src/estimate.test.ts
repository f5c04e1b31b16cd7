/**
 * Runs that cannot finish (issue 12, item 7), end to end: the estimate is printed before training, a run whose
 * memory cannot fit in the engine is refused with the flags to change, a run of many hours is warned about, and
 * the measured step time is printed after the first step.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnPretrain } from './test-helpers.js';

const WORK = mkdtempSync(join(tmpdir(), 'pretrain-estimate-'));

const run = spawnPretrain;

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
