/**
 * The guide code samples (examples/*.ts, included into the pages) cannot rot: they are type-checked with the
 * workspace's strict settings and run here at tiny sizes on the cpu backend (getting-started also on wasm).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkpointRoundTrips } from '../examples/checkpoints.js';
import { dataExample } from '../examples/data.js';
import { fnetUsage } from '../examples/fnet-usage.js';
import { gettingStarted } from '../examples/getting-started.js';
import { kernelsAndConvolutions } from '../examples/kernels.js';
import { fillMaskFromUrl, pipelinesExample } from '../examples/pipelines.js';
import { pretrainTiny } from '../examples/pretraining.js';
import { closeServer, DOCS_ROOT, REPO_ROOT, serveStatic } from './site.js';

describe('guide examples', () => {
  it('type-check (tsc --noEmit over examples/, scripts/ and test/)', () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], {
      cwd: DOCS_ROOT,
      encoding: 'utf8',
    });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('every example is included by a guide page', () => {
    const pages = readdirSync(join(DOCS_ROOT, 'guide'))
      .map((f) => readFileSync(join(DOCS_ROOT, 'guide', f), 'utf8'))
      .join('\n');
    for (const f of readdirSync(join(DOCS_ROOT, 'examples'))) {
      expect(pages, `examples/${f} is not included by any guide page`).toContain(`<<< @/examples/${f}`);
    }
  });

  it('getting-started runs on cpu', async () => {
    const r = await gettingStarted('cpu');
    expect(r.variant).toBe('cpu');
    expect(r.logitsShape).toEqual([1, 8, 50]);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.parameters).toBeGreaterThan(0);
  });

  it('kernels: the flip-free anticausal convolution equals the literal flips', () => {
    const before = tf.memory().numTensors;
    const r = kernelsAndConvolutions();
    expect(r.kernelShape).toEqual([16]);
    expect(r.outputShape).toEqual([2, 16, 4]);
    expect(r.flipFreeMaxAbsDiff).toBeLessThan(1e-5);
    expect(r.autoAt128OnWasm).toBe('toeplitz');
    expect(r.autoAt1024OnWasm).toBe('fft');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fnet routing inside both blocks and a model', () => {
    const r = fnetUsage();
    expect(r).toEqual({ gatedShape: [2, 6, 8], stackShape: [2, 6, 8], modelShape: [2, 6, 8] });
  });

  it('checkpoints: safetensors and Flax msgpack round trips', async () => {
    const r = await checkpointRoundTrips();
    expect(r.firstNames[0]).toBe('bigs.embeddings.word_embeddings.weight');
    expect(r.ptLoaded).toBeGreaterThan(0);
    expect(r.flaxLoaded).toBeGreaterThan(0);
    expect(r.flaxSemantics).toBe('flax');
    expect(r.flaxKernelLength).toBe('max_position');
    expect(r.flaxHiddenShape).toEqual([1, 16, 8]);
    expect(r.configKeys).toEqual(['vocab_size', 'hidden_size', 'num_hidden_layers', 'intermediate_size']);
  });

  it('data: tokenizer, GLUE and shards', async () => {
    const r = await dataExample();
    expect(r.tokens).toEqual(['[CLS]', 'call', 'me', 'ishmael', '.', '[SEP]']);
    expect(r.inputIdsLength).toBe(16);
    expect(r.sst2).toEqual([
      ['a gripping tale', 1],
      ['a dull mess', 0],
    ]);
    expect(r.sst2NumLabels).toBe(2);
    expect(r.sequences).toBeGreaterThan(0);
    expect(r.batchShape?.[1]).toBe(32);
  });

  it('pipelines from a URL: the served demo model gives what the dir pipeline gives', async () => {
    const { pipeline } = await import('@bigs/pipelines');
    const { initEngine } = await import('@bigs/ssm-kernels');
    await initEngine({ backend: 'cpu', quiet: true });
    const { server, origin } = await serveStatic(join(DOCS_ROOT, 'public'));
    try {
      const text = 'the whale swam into the [MASK] .';
      const got = await fillMaskFromUrl(`${origin}/demo/fill-mask/`, text);
      const fill = await pipeline('fill-mask', join(DOCS_ROOT, 'public', 'demo', 'fill-mask'));
      const want = (await fill(text, { topK: 5 })).masks[0]!.predictions;
      fill.dispose();
      expect(got).toEqual(want.map((p) => ({ token: p.tokenStr, score: p.score })));
    } finally {
      await closeServer(server);
    }
  });

  it('pipelines: fill-mask, text-classification, feature-extraction, truncation', async () => {
    const r = await pipelinesExample();
    expect(r.bestSequence).toMatch(/^The old \S+ told the children a story\.$/);
    expect(r.candidates).toBe(3);
    expect(r.singleLabels).toEqual(['negative', 'positive']);
    expect(r.pairScoreSum).toBeCloseTo(1, 12);
    expect(r.embeddingDims).toEqual([8, 8]);
    expect(r.longTruncated).toBe(true);
    expect(r.longTokens).toEqual([102, 32]);
  });

  it('pretraining: three trainer steps', async () => {
    const r = await pretrainTiny();
    expect(r.globalStep).toBe(3);
    expect(r.stopReason).toBe('max_steps');
  });

  it('getting-started runs on wasm', async () => {
    const r = await gettingStarted('wasm');
    expect(['wasm', 'wasm-mt']).toContain(r.variant);
    expect(r.logitsShape).toEqual([1, 8, 50]);
    expect(Number.isFinite(r.loss)).toBe(true);
  });
});
