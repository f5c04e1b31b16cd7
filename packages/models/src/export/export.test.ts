import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ids2d, maxAbsDiff, randomize, useBackend } from '../../test/helpers.js';
import { parseFlaxMsgpack } from '../checkpoint/flax-msgpack.js';
import { fromPretrained } from '../checkpoint/pretrained.js';
import { type BiGSConfig, createConfig, TINY } from '../config/config.js';
import { HEAD_TYPES } from '../model/bigs-model.js';
import { BiGSForMaskedLM, BiGSForSequenceClassification, createModel } from '../model/head-models.js';
import { parseSafetensors } from '../safetensors/safetensors.js';
import { measureDrift } from './drift.js';
import {
  exportModel,
  flaxExportTensors,
  OFFICIAL_CONFIG_KEYS,
  SemanticsMismatchError,
  torchExportTensors,
} from './export.js';
import { targetConfig, withSemantics } from './semantics.js';

const tiny = (o: Partial<BiGSConfig> = {}) => createConfig({ ...TINY, ...o });
const tmp = () => mkdtemp(join(tmpdir(), 'bigs-export-'));
const quiet = () => {};
const same = (a: tf.Tensor, b: tf.Tensor) =>
  Buffer.from((a.dataSync() as Float32Array).buffer).equals(
    Buffer.from((b.dataSync() as Float32Array).buffer),
  );

/** Parameter paths of the official Flax `FlaxBiGSForMaskedLM` tree for a 2-layer model (from its module structure). */
function officialFlaxMlmPaths(layers: number): string[] {
  const emb = ['word_embeddings', 'position_embeddings', 'token_type_embeddings'].map(
    (n) => `s4_bert/embeddings/${n}/embedding`,
  );
  const paths = [...emb, 's4_bert/embeddings/LayerNorm/scale', 's4_bert/embeddings/LayerNorm/bias'];
  for (let i = 0; i < layers; i++) {
    const l = `s4_bert/encoder/layer/${i}`;
    paths.push(`${l}/LayerNorm/scale`, `${l}/LayerNorm/bias`);
    for (const s of ['fs4', 'bs4'])
      for (const p of ['A_re', 'A_im', 'C', 'D', 'log_step']) paths.push(`${l}/${s}/${p}`);
    for (const d of ['dv', 'du_forward', 'du_backward', 'duc_forward', 'duc_backward', 'dol', 'do'])
      paths.push(`${l}/${d}/kernel`, `${l}/${d}/bias`);
  }
  paths.push(
    'cls/predictions/transform/dense/kernel',
    'cls/predictions/transform/dense/bias',
    'cls/predictions/transform/LayerNorm/scale',
    'cls/predictions/transform/LayerNorm/bias',
    'cls/predictions/bias',
  );
  return paths.sort();
}

describe('export', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('--to pytorch: the port state_dict (pooler, tied decoder, int64 position_ids), official config keys; our loader reproduces the logits bit-exactly', async () => {
    const m = new BiGSForMaskedLM(withSemantics(tiny(), 'pytorch'), { seed: 3 });
    randomize(m);
    const dir = await tmp();
    const report = await exportModel(m, dir, { to: 'pytorch', extraFiles: { 'vocab.txt': '[PAD]\n' } });
    expect(report.differences).toEqual([]);
    expect(report.drift).toBeNull();
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    const { tensors, metadata } = parseSafetensors(await readFile(join(dir, 'model.safetensors')));
    expect(metadata).toEqual({ format: 'pt' });
    const names = [...tensors.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'bigs.embeddings.position_ids',
        'bigs.pooler.dense.weight',
        'bigs.pooler.dense.bias',
        'cls.predictions.decoder.weight',
        'cls.predictions.decoder.bias',
        'bigs.encoder.layer.1.fs4.kernel.log_step',
      ]),
    );
    const pos = tensors.get('bigs.embeddings.position_ids')!;
    expect([pos.dtype, pos.shape, Array.from(pos.data).slice(0, 4)]).toEqual(['I64', [1, 16], [0, 1, 2, 3]]);
    expect(report.notes.join('\n')).toMatch(/freshly initialised bigs\.pooler\.dense .*untrained/);
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(Object.keys(cfg).every((k) => OFFICIAL_CONFIG_KEYS.includes(k))).toBe(true);
    expect(cfg).toMatchObject({ architectures: ['BiGSForMaskedLM'], model_type: 'BiGS', pre_norm: true });
    expect(cfg).not.toHaveProperty('block_gelu');
    const { model, report: load } = await fromPretrained(dir, { logger: quiet });
    expect(model.config).toMatchObject({ semantics: 'pytorch', blockGelu: 'erf' });
    expect(load.newlyInitialized).toEqual([]);
    const ids = ids2d([
      [2, 7, 9, 11, 3, 0],
      [2, 5, 3, 0, 0, 0],
    ]);
    expect(
      same(m.forward({ inputIds: ids }).logits, (model as BiGSForMaskedLM).forward({ inputIds: ids }).logits),
    ).toBe(true);
    m.dispose();
    model.dispose();
  });

  it('--to flax: exactly the official Flax parameter paths; our loader (Flax semantics, L = P) reproduces the logits bit-exactly', async () => {
    const m = new BiGSForMaskedLM(withSemantics(tiny(), 'flax'), { seed: 4 });
    randomize(m);
    const dir = await tmp();
    const report = await exportModel(m, dir, { to: 'flax' });
    expect(report.files).toEqual(['flax_model.msgpack', 'config.json']);
    const tree = parseFlaxMsgpack(await readFile(join(dir, 'flax_model.msgpack')));
    expect([...tree.keys()].sort()).toEqual(officialFlaxMlmPaths(2));
    expect(tree.get('s4_bert/encoder/layer/0/dv/kernel')!.shape).toEqual([8, 16]); // Flax Dense kernel [in, out]
    const { model } = await fromPretrained(dir, { logger: quiet });
    expect(model.config.kernelLength).toBe('max_position');
    const ids = tf.tensor2d([Array.from({ length: 16 }, (_, i) => (i * 7 + 2) % 50)], [1, 16], 'int32');
    expect(
      same(m.forward({ inputIds: ids }).logits, (model as BiGSForMaskedLM).forward({ inputIds: ids }).logits),
    ).toBe(true);
    m.dispose();
    model.dispose();
  });

  it('a sequence classifier keeps its trained pooler in both targets', async () => {
    const m = new BiGSForSequenceClassification(withSemantics(tiny({ numLabels: 3 }), 'flax'));
    randomize(m);
    const fx = parseFlaxMsgpack(await readFile(join(await exportTo(m, 'flax'), 'flax_model.msgpack')));
    const want = m.parameterMap().get('bigs.pooler.dense.kernel')!.variable.dataSync();
    expect(Array.from(fx.get('s4_bert/pooler/dense/kernel')!.data)).toEqual(Array.from(want));
    expect(fx.has('classifier/kernel')).toBe(true);
    m.dispose();
  });

  it('a bare model: unprefixed names, the pooler of the port and of FlaxBiGSModel, both fresh', () => {
    const m = createModel(withSemantics(tiny(), 'pytorch'), 'base');
    const pt = torchExportTensors(m);
    expect([...pt.tensors.keys()]).toEqual(
      expect.arrayContaining([
        'embeddings.position_ids',
        'pooler.dense.weight',
        'encoder.layer.0.fs4.kernel.C',
      ]),
    );
    expect([...pt.tensors.keys()].some((k) => k.startsWith('bigs.') || k.startsWith('cls.'))).toBe(false);
    const fx = flaxExportTensors(m);
    expect(fx.tensors.get('pooler/dense/kernel')!.shape).toEqual([8, 8]);
    expect(fx.notes.join('\n')).toMatch(/freshly initialised pooler\/dense/);
    m.dispose();
  });

  it('measures the drift of every head (tanh vs erf blocks): positive, finite', async () => {
    for (const head of HEAD_TYPES) {
      const m = createModel(tiny({ numLabels: 2 }), head, { seed: 7 });
      randomize(m);
      const d = await measureDrift(m, targetConfig(m.config, head, 'pytorch'));
      expect(Number.isFinite(d.logits) && d.logits > 0, head).toBe(true);
      expect(d.hidden, head).toBeGreaterThan(0);
      m.dispose();
    }
  });

  it('refuses a semantics change with the reason and the measured drift, writing nothing', async () => {
    const m = new BiGSForMaskedLM(tiny(), { seed: 5 }); // bigs-ts: tanh GELU in the blocks
    randomize(m);
    const dir = join(await tmp(), 'out');
    const err = await exportModel(m, dir, { to: 'pytorch' }).catch((e) => e);
    expect(err).toBeInstanceOf(SemanticsMismatchError);
    expect(err.message).toMatch(
      /block_gelu: ours tanh, pytorch erf \(the PyTorch port hard-codes the exact \(erf\) GELU/,
    );
    expect(err.message).toMatch(/max \|Δ logits\| = \d\.\d\de-\d+.*--allow-semantics-change/);
    expect(err.drift.logits).toBeGreaterThan(0);
    expect(existsSync(dir)).toBe(false);
    const bad = await exportModel(m, dir, { to: 'flax', extraFiles: { 'model.safetensors': '' } }).catch(
      (e) => e,
    );
    expect(bad.message).toMatch(/extra file name must be .* got 'model\.safetensors'/);
    expect(existsSync(dir)).toBe(false);
    const flax = await exportModel(m, dir, { to: 'flax' }).catch((e) => e);
    expect(flax.message).toMatch(
      /kernel_length: ours input, flax max_position .*2 × 8 tokens, padded to 16 for flax/,
    );
  });

  it('--allow-semantics-change writes, and the reported drift is what the target computation gives', async () => {
    const m = new BiGSForMaskedLM(tiny(), { seed: 6 });
    randomize(m);
    const dir = await tmp();
    const report = await exportModel(m, dir, { to: 'pytorch', allowSemanticsChange: true });
    expect(report.drift!.logits).toBeGreaterThan(0);
    expect(report.notes.join('\n')).toMatch(/semantics changed \(--allow-semantics-change\)/);
    // Our loader runs the export as the port does (erf GELU): its logits differ from ours by the reported drift.
    const { model } = await fromPretrained(dir, { logger: quiet });
    const { probeIds } = await import('./drift.js');
    const ids = tf.tensor2d(probeIds(m.config, 2, 8), [2, 8], 'int32');
    const d = maxAbsDiff(
      m.forward({ inputIds: ids }).logits,
      (model as BiGSForMaskedLM).forward({ inputIds: ids }).logits,
    );
    expect(d).toBe(report.drift!.logits);
    m.dispose();
    model.dispose();
  });
});

async function exportTo(m: BiGSForSequenceClassification, to: 'pytorch' | 'flax'): Promise<string> {
  const dir = await tmp();
  await exportModel(m, dir, { to });
  return dir;
}
