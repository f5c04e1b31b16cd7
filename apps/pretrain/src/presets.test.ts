import { ForwardContext } from '@bigs/gated-blocks';
import { BiGSForMaskedLM, createConfig } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { bigsTrainingFlopsPerToken } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { extendPositions, tilePositionRows } from './extend-positions.js';
import { statedPeakFlops, trainingFlopsPerToken } from './flops.js';
import { PRESETS } from './presets.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', quiet: true });
});

const shapesOf = (m: BiGSForMaskedLM) =>
  m.namedParameters().map(([n, p]) => [n, [...p.variable.shape]] as [string, number[]]);

describe('presets', () => {
  it('every preset gives a valid config at its length', () => {
    for (const p of Object.values(PRESETS)) {
      const c = createConfig({ ...p.model, vocabSize: 30522, maxPositionEmbeddings: p.training.seqLength });
      expect(c.hiddenSize % (c.routing === 'attention' ? c.numAttentionHeads : 1)).toBe(0);
      const t = p.training;
      expect(t.warmupSteps).toBeLessThanOrEqual(t.maxSteps);
      expect(t.beta1).toBeLessThan(1);
      expect(t.beta2).toBeLessThan(1);
    }
  });

  it('the paper’s BiGS and its official recipe (docs/guide/architecture.md#config-keys, docs/guide/architecture.md#pretraining-recipe)', () => {
    for (const name of ['bigs-128', 'bigs-512', 'bigs-4096']) {
      const p = PRESETS[name]!;
      expect(p.model).toMatchObject({
        hiddenSize: 1024,
        numHiddenLayers: 23,
        intermediateSize: 3072,
        numSsm: 64,
      });
      expect(p.training).toMatchObject({
        learningRate: 6e-4,
        beta1: 0.9,
        beta2: 0.98,
        epsilon: 1e-6,
        weightDecay: 0.05,
        warmupSteps: 2000,
        scheduler: 'cosine',
        cosineAlpha: 0.1,
      });
    }
    const t = PRESETS['bigs-128']!.training;
    expect(t.batchSize * t.gradientAccumulationSteps).toBe(1048); // 8 devices × 131
    const t512 = PRESETS['bigs-512']!.training;
    expect(t512.seqLength).toBe(512);
    expect(t512.batchSize * t512.gradientAccumulationSteps * 512).toBe(1048 * 128); // same tokens per step
    expect(PRESETS['bigs-4096']!.training.seqLength).toBe(4096);
    expect(PRESETS['bert-base']!.model).toMatchObject({
      blockArchitecture: 'stack',
      routing: 'attention',
      hiddenSize: 768,
    });
  });

  it('tiny is the default size: a small GATED model that trains at L = 128', () => {
    const p = PRESETS.tiny!;
    const m = new BiGSForMaskedLM(createConfig({ ...p.model, vocabSize: 8192, maxPositionEmbeddings: 128 }));
    const n = m.namedParameters().reduce((a, [, q]) => a + q.variable.size, 0);
    expect(n).toBeGreaterThan(1e6);
    expect(n).toBeLessThan(3e6);
    m.dispose();
  });

  it('tiny keeps the few-minutes budget: about 1.8 M tokens (≈ 5.5 min at the native engine’s 5.7k tokens/s on 2 cores)', () => {
    const t = PRESETS.tiny!.training;
    const tokens = t.maxSteps * t.batchSize * t.gradientAccumulationSteps * t.seqLength;
    expect(tokens).toBe(900 * 16 * 128);
    expect(tokens / 5700).toBeLessThan(6 * 60);
    // Evaluations and checkpoints land on the last step, so the final model is the one evaluated.
    expect(t.maxSteps % t.evalSteps).toBe(0);
    expect(t.maxSteps % t.saveSteps).toBe(0);
  });
});

describe('FLOPs per token', () => {
  it('GATED + bissm equals the trainer’s BiGS formula; attention adds 4·L·H per layer', () => {
    const c = createConfig({
      vocabSize: 500,
      hiddenSize: 32,
      intermediateSize: 96,
      numHiddenLayers: 2,
      numSsm: 8,
      maxPositionEmbeddings: 64,
    });
    const m = new BiGSForMaskedLM(c);
    const f = trainingFlopsPerToken({ config: c, parameterShapes: shapesOf(m) }, 64, 0.15);
    const ref = bigsTrainingFlopsPerToken({
      hiddenSize: 32,
      intermediateSize: 96,
      numLayers: 2,
      seqLength: 64,
      vocabSize: 500,
      predictedFraction: 0.15,
    });
    expect(f.total).toBeCloseTo(ref, 6);
    m.dispose();
    const a = createConfig({ ...c, blockArchitecture: 'stack', routing: 'attention', numAttentionHeads: 4 });
    const ma = new BiGSForMaskedLM(a);
    const fa = trainingFlopsPerToken({ config: a, parameterShapes: shapesOf(ma) }, 64, 0.15);
    // STACK + attention: Q, K, V, O (4H²) + FFN (2HI) per layer
    expect(fa.denseFwd).toBe(2 * 2 * (4 * 32 * 32 + 2 * 32 * 96));
    expect(fa.mixingFwd).toBe(2 * 4 * 64 * 32);
    ma.dispose();
  });

  it('stated peaks per backend', () => {
    expect(statedPeakFlops('wasm-mt', 2)).toBe(57e9);
    expect(statedPeakFlops('wasm', 1)).toBe(28.5e9);
    expect(statedPeakFlops('cpu', 1)).toBe(0.75e9);
    expect(statedPeakFlops('tensorflow', 0)).toBeNull();
  });
});

describe('position-embedding extension', () => {
  it('tiles the learned rows', () => {
    const old = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    expect(Array.from(tilePositionRows(old, 3, 2, 7))).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2]);
    expect(() => tilePositionRows(old, 4, 2, 8)).toThrow(/expected 4 × 2/);
  });

  it('the extended model equals the original on short inputs and runs at the new length', () => {
    const c = createConfig({
      vocabSize: 60,
      hiddenSize: 16,
      intermediateSize: 32,
      numHiddenLayers: 1,
      numSsm: 4,
      maxPositionEmbeddings: 8,
    });
    const short = new BiGSForMaskedLM(c, { seed: 3 });
    const long = extendPositions(short, 20);
    expect(long.config.maxPositionEmbeddings).toBe(20);
    const ids = tf.tensor2d([[2, 5, 9, 11, 3, 7, 1, 4]], [1, 8], 'int32'); // [1, 8]
    const a = short.forward({ inputIds: ids }, { ctx: ForwardContext.eval() }).logits; // [1, 8, 60]
    const b = long.forward({ inputIds: ids }, { ctx: ForwardContext.eval() }).logits; // [1, 8, 60]
    expect(Math.max(...Array.from(tf.sub(a, b).abs().dataSync()))).toBeLessThan(1e-5);
    const longIds = tf.tile(ids, [1, 3]).slice([0, 0], [1, 20]); // [1, 20]
    const pos = long.parameterMap().get('bigs.embeddings.position_embeddings.weight')!.variable;
    const rows = pos.arraySync() as number[][];
    expect(rows[8]).toEqual(rows[0]);
    expect(rows[19]).toEqual(rows[3]);
    expect(long.forward({ inputIds: longIds }).logits.shape).toEqual([1, 20, 60]);
    expect(() => extendPositions(short, 4)).toThrow(/>= 8/);
    short.dispose();
    long.dispose();
  });
});
