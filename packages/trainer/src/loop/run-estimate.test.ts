import { ForwardContext } from '@bigs/gated-blocks';
import { BiGSForMaskedLM, createConfig } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRunEstimate,
  engineMemoryLimit,
  estimateRun,
  formatSeconds,
  measuredEstimate,
  type RunEstimateInput,
  WASM_HEAP_LIMIT_BYTES,
} from './run-estimate.js';

const base: RunEstimateInput = {
  engine: 'wasm',
  parameters: 1e6,
  hiddenSize: 64,
  intermediateSize: 128,
  numLayers: 2,
  headFloatsPerToken: 0,
  batchSize: 4,
  seqLength: 128,
  gradientAccumulationSteps: 1,
  steps: 100,
  flopsPerToken: 1e6,
  peakFlops: 1e10,
};
const hints = { batchSize: '--per-device-train-batch-size 4', seqLength: '--max-seq-length 128' };

describe('run estimate', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('step and run time from the FLOP model at the assumed MFU; memory from params and tokens', () => {
    const e = estimateRun(base);
    expect(e.stepSeconds).toBeCloseTo((1e6 * 512) / (1e10 * 0.3), 9);
    expect(e.totalSeconds).toBeCloseTo(100 * e.stepSeconds, 9);
    expect(e.memoryBytes).toBe(4 * (1e6 * 8 + 512 * (2 * (110 * 64 + 62 * 128) + 87 * 64)));
    expect(e.limitBytes).toBe(WASM_HEAP_LIMIT_BYTES);
    expect(estimateRun({ ...base, gradientAccumulationSteps: 4 }).memoryBytes).toBe(e.memoryBytes + 4e6);
    expect(engineMemoryLimit('native').what).toMatch(/free RAM/);
    expect(formatSeconds(0.25)).toBe('250 ms');
    expect(formatSeconds(3 * 3600)).toBe('3.0 h');
  });

  it('refuses what exceeds the engine (naming the flags), warns about many hours, BIGS_SKIP_MEMORY_CHECK', () => {
    const ok = checkRunEstimate(estimateRun(base), hints);
    expect(ok.error).toBeNull();
    expect(ok.warning).toBeNull();
    expect(ok.lines[0]).toMatch(
      /^estimate: ~.*\/step, ~.* for 100 step\(s\) .*peak memory ~\d+ MiB of the wasm heap's 4 GiB$/,
    );
    const big = checkRunEstimate(
      estimateRun({ ...base, seqLength: 65536, batchSize: 64, steps: 1e6 }),
      hints,
    );
    expect(big.error).toMatch(
      /^the estimated peak memory of a training step, [\d.]+ GiB, exceeds the wasm heap's 4 GiB: lower --per-device-train-batch-size 4 or --max-seq-length 128$/,
    );
    expect(big.warning).toMatch(/^warning: this run is estimated to take ~[\d.]+ days/);
    process.env.BIGS_SKIP_MEMORY_CHECK = '1';
    try {
      const skipped = checkRunEstimate(estimateRun({ ...base, seqLength: 65536, batchSize: 64 }), hints);
      expect(skipped.error).toBeNull();
      expect(skipped.warning).toMatch(/BIGS_SKIP_MEMORY_CHECK=1: going on/);
    } finally {
      delete process.env.BIGS_SKIP_MEMORY_CHECK;
    }
    const m = measuredEstimate({ stepSeconds: 30, remainingSteps: 10_000, memoryBytes: 2 ** 30 });
    expect(m.line).toBe(
      'measured: 30.0 s/step (first step) → ~3.5 days for the remaining 10000 step(s); memory in use 1.00 GiB',
    );
    expect(m.warning).toMatch(/more than 8 h/);
  });

  it('the memory model is within 25 % of the measured peak of a BiGS training micro-batch on wasm', async () => {
    for (const [layers, H, I, B, L] of [
      [1, 64, 128, 2, 256],
      [2, 32, 96, 1, 512],
    ] as const) {
      const V = 1024;
      const cfg = createConfig({
        vocabSize: V,
        hiddenSize: H,
        numHiddenLayers: layers,
        intermediateSize: I,
        numSsm: 8,
        maxPositionEmbeddings: L,
        kernelLength: 'input',
      });
      const m = new BiGSForMaskedLM(cfg, { seed: 1 });
      const vars = m.namedParameters().map(([, p]) => p.variable);
      const params = vars.reduce((a, v) => a + v.size, 0);
      const P = Math.round(0.15 * L);
      const before = tf.memory().numBytes;
      const prof = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => {
          const out = m.forward(
            {
              inputIds: tf.zeros([B, L], 'int32') as tf.Tensor2D, // [B, L]
              maskedPositions: tf.zeros([B, P], 'int32') as tf.Tensor2D, // [B, P]
              maskedLabels: tf.zeros([B, P], 'int32') as tf.Tensor2D, // [B, P]
            },
            { ctx: ForwardContext.train(1) },
          );
          return out.loss as tf.Scalar;
        }, vars);
        tf.dispose([value, ...Object.values(grads)]);
      });
      // The profile covers weights + one micro-batch; the estimate adds AdamW moments (2 × params).
      const measured = prof.peakBytes - before + 4 * params + 4 * 2 * params;
      const e = estimateRun({
        ...base,
        parameters: params,
        hiddenSize: H,
        intermediateSize: I,
        numLayers: layers,
        headFloatsPerToken: 9 * V * 0.15,
        batchSize: B,
        seqLength: L,
      });
      expect(e.memoryBytes / measured, `${layers}×H${H} I${I} B${B} L${L}`).toBeGreaterThan(0.75);
      expect(e.memoryBytes / measured, `${layers}×H${H} I${I} B${B} L${L}`).toBeLessThan(1.25);
      m.dispose();
    }
  });
});
