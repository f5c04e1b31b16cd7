/**
 * `pnpm pretrain --backend webgpu` trains the tiny model with the same losses as `--backend cpu`: both apps are
 * spawned as `pnpm pretrain` runs them (tsx, source condition), three steps each, dropout off. Needs a WebGPU
 * adapter (CI: SwiftShader through VK_ICD_FILENAMES); skipped without one unless BIGS_REQUIRE_WEBGPU=1.
 * `--peak-flops` is given so that no 1024² matmul is timed at start-up (minutes on SwiftShader).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webgpuEngineAvailability } from '@bigs/ssm-kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnPretrain } from './test-helpers.js';

const WORK = mkdtempSync(join(tmpdir(), 'pretrain-webgpu-'));
const MODEL_CONFIG = join(WORK, 'model.json');
const availability = await webgpuEngineAvailability();
const required = process.env.BIGS_REQUIRE_WEBGPU === '1';
/** float32 sums in other orders plus WGSL's trig accuracy in the SSM kernel; observed ≤ 1.1e-7 relative. */
const LOSS_RTOL = 1e-4;

function pretrain(backend: string): Promise<{ code: number | null; stderr: string; out: string }> {
  const out = join(WORK, backend);
  const args = [
    ...['--model-config', MODEL_CONFIG, '--output-dir', out, '--max-seq-length', '32'],
    ...['--per-device-train-batch-size', '2', '--max-steps', '3', '--logging-steps', '1'],
    ...['--save-steps', '100', '--save-total-limit', '0', '--eval-steps', '100', '--max-eval-samples', '4'],
    ...['--learning-rate', '5e-3', '--warmup-steps', '1', '--peak-flops', '1e9', '--backend', backend],
  ];
  return spawnPretrain(args).then((r) => ({ ...r, out }));
}

const losses = (dir: string): number[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((r) => typeof r.loss === 'number')
    .map((r) => r.loss!);

afterAll(() => {
  rmSync(WORK, { recursive: true, force: true });
});

describe.runIf(availability.available || required)('pnpm pretrain --backend webgpu', () => {
  it('trains the tiny model with the losses of --backend cpu', { timeout: 900_000 }, async () => {
    if (!availability.available) throw new Error(`BIGS_REQUIRE_WEBGPU=1 but ${availability.reason}`);
    writeFileSync(
      MODEL_CONFIG,
      JSON.stringify({
        hidden_size: 32,
        num_hidden_layers: 1,
        intermediate_size: 64,
        type_vocab_size: 2,
        num_ssm: 8,
        hidden_dropout_prob: 0,
      }),
    );
    const cpu = await pretrain('cpu');
    expect(cpu.code, cpu.stderr).toBe(0);
    const gpu = await pretrain('webgpu');
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(gpu.stderr).toMatch(/engine: webgpu \(@tensorflow\/tfjs-backend-webgpu@4\.22\.0, .*, adapter \S/);
    const want = losses(cpu.out);
    const got = losses(gpu.out);
    expect(want).toHaveLength(3);
    expect(got).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(got[i]! - want[i]!) / want[i]!).toBeLessThan(LOSS_RTOL);
    // The run ends with the model saved (savePretrained reads asynchronously first on webgpu).
    expect(readFileSync(join(gpu.out, 'config.json'), 'utf8')).toMatch(/hidden_size/);
  });
});
