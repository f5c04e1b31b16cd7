import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { makeTinyModelDir, tempDir } from './helpers.js';

/** Runs that cannot finish (issue 12, item 7): the estimate shared with pnpm pretrain, in finetune. */
describe('pnpm finetune: run estimate', () => {
  beforeAll(async () => {
    process.env.BIGS_THREADS = '1';
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('refuses a run whose estimated memory exceeds the wasm heap, naming the flags', async () => {
    const model = await makeTinyModelDir({
      hiddenSize: 256,
      intermediateSize: 1024,
      numHiddenLayers: 4,
      maxPositionEmbeddings: 4096,
    });
    const out = tempDir();
    const err: string[] = [];
    const code = await runCli(
      ['--model-name-or-path', model, '--output-dir', out, '--backend', 'wasm', '--progress', 'none'],
      { stdout: () => {}, stderr: (t) => err.push(t) },
    );
    const text = err.join('');
    expect(code, text).toBe(1);
    expect(text).toMatch(
      /\[embedded\] estimate: ~.*\/step, .*peak memory ~[\d.]+ GiB of the wasm heap's 4 GiB/,
    );
    expect(text).toMatch(
      /finetune: error: the estimated peak memory of a training step, [\d.]+ GiB, exceeds the wasm heap's 4 GiB: lower --per-device-train-batch-size 16 or --max-seq-length 4096, or --backend native/,
    );
    expect(existsSync(join(out, 'eval_results.json'))).toBe(false);
  });

  it('a run that fits prints the estimate and the measured first step', async () => {
    const model = await makeTinyModelDir();
    const err: string[] = [];
    const code = await runCli(
      [
        '--model-name-or-path',
        model,
        '--output-dir',
        tempDir(),
        '--backend',
        'wasm',
        '--progress',
        'none',
      ].concat(['--max-train-samples', '32', '--max-eval-samples', '8', '--max-steps', '2']),
      { stdout: () => {}, stderr: (t) => err.push(t) },
    );
    const text = err.join('');
    expect(code, text).toBe(0);
    expect(text).toMatch(
      /\[embedded\] estimate: ~.* for 2 step\(s\) .*peak memory ~\d+ MiB of the wasm heap's 4 GiB/,
    );
    expect(text).toMatch(
      /\[embedded\] measured: .*\/step \(first step\) → ~.* for the remaining 1 step\(s\)/,
    );
    expect(text).not.toMatch(/warning/);
  });
});
