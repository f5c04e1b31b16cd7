import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtData, encode } from '@msgpack/msgpack';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ids2d, randomize, snapshot, useBackend } from '../../test/helpers.js';
import { type BiGSConfig, configToJSON, createConfig, TINY } from '../config/config.js';
import { BiGSModel } from '../model/bigs-model.js';
import { BiGSForMaskedLM, BiGSForSequenceClassification, createModel } from '../model/head-models.js';
import { parseSafetensors, serializeSafetensors } from '../safetensors/safetensors.js';
import { parseFlaxMsgpack } from './flax-msgpack.js';
import { CheckpointMismatchError, type HostTensor, loadStateDict } from './load-state.js';
import { buildNameMap } from './name-map.js';
import { fromPretrained, loadWeights, savePretrained, stateDict } from './pretrained.js';

const tiny = (o: Partial<BiGSConfig> = {}) => createConfig({ ...TINY, ...o });
const tmp = () => mkdtemp(join(tmpdir(), 'bigs-models-'));
const IDS = [
  [2, 7, 9, 11, 3, 0],
  [2, 5, 3, 0, 0, 0],
];
const quiet = () => {};

function sameParams(a: Map<string, Float32Array>, b: Map<string, Float32Array>) {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, v] of a) expect(Buffer.from(b.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('save → load round trip is bit-exact (every tensor, the outputs), with tokenizer files and no temp files', async () => {
    const dir = await tmp();
    const m = new BiGSForMaskedLM(tiny({ semantics: 'pytorch' }), { seed: 3 });
    randomize(m);
    await savePretrained(m, dir, {
      tokenizerFiles: { 'vocab.txt': '[PAD]\n[UNK]\n', 'tokenizer.json': new Uint8Array([123, 125]) },
    });
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'vocab.txt',
    ]);
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      architectures: ['BiGSForMaskedLM'],
      semantics: 'pytorch',
      block_gelu: 'erf',
      model_type: 'BiGS',
    });
    const { model, report } = await fromPretrained(dir, { logger: quiet });
    expect(model.headType).toBe('masked-lm');
    expect(report.newlyInitialized).toEqual([]);
    sameParams(snapshot(m), snapshot(model));
    const a = m.forward({ inputIds: ids2d(IDS) }).logits.dataSync();
    const b = (model as BiGSForMaskedLM).forward({ inputIds: ids2d(IDS) }).logits.dataSync();
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    m.dispose();
    model.dispose();
  });

  it('uses the PyTorch port state_dict names (Linear weights transposed to [out, in])', () => {
    const m = new BiGSForSequenceClassification(tiny({ numLabels: 3 }));
    const sd = stateDict(m);
    const shapes = Object.fromEntries([...sd].map(([k, v]) => [k, v.shape]));
    expect(shapes).toMatchObject({
      'bigs.embeddings.word_embeddings.weight': [50, 8],
      'bigs.embeddings.position_embeddings.weight': [16, 8],
      'bigs.embeddings.token_type_embeddings.weight': [2, 8],
      'bigs.embeddings.LayerNorm.weight': [8],
      'bigs.embeddings.LayerNorm.bias': [8],
      'bigs.encoder.layer.0.LayerNorm.weight': [8],
      'bigs.encoder.layer.0.fs4.kernel.A_re': [4],
      'bigs.encoder.layer.0.fs4.kernel.A_im': [4],
      'bigs.encoder.layer.0.fs4.kernel.C': [4, 2],
      'bigs.encoder.layer.0.fs4.kernel.log_step': [1],
      'bigs.encoder.layer.0.fs4.D': [1],
      'bigs.encoder.layer.1.bs4.kernel.A_re': [4],
      'bigs.encoder.layer.0.dv.weight': [16, 8],
      'bigs.encoder.layer.0.dv.bias': [16],
      'bigs.encoder.layer.0.du_forward.weight': [8, 8],
      'bigs.encoder.layer.0.du_backward.weight': [8, 8],
      'bigs.encoder.layer.0.duc_forward.weight': [8, 8],
      'bigs.encoder.layer.0.duc_backward.bias': [8],
      'bigs.encoder.layer.1.dol.weight': [16, 8],
      'bigs.encoder.layer.1.do.weight': [8, 16],
      'bigs.pooler.dense.weight': [8, 8],
      'classifier.weight': [3, 8],
      'classifier.bias': [3],
    });
    expect(sd.size).toBe(m.namedParameters().length);
    const k = m.parameterMap().get('bigs.encoder.layer.0.dv.kernel')!.variable.arraySync() as number[][];
    const w = sd.get('bigs.encoder.layer.0.dv.weight')!;
    expect(w.data[3 * 8 + 5]).toBe(k[5]![3]); // weight[o, i] = kernel[i, o]
    const mlm = new BiGSForMaskedLM(tiny());
    const names = [...stateDict(mlm).keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'cls.predictions.transform.dense.weight',
        'cls.predictions.transform.LayerNorm.weight',
        'cls.predictions.bias',
      ]),
    );
    expect(names.some((n) => n.includes('decoder') || n.includes('pooler'))).toBe(false);
    const flax = buildNameMap(mlm).map((e) => e.flax);
    expect(flax).toEqual(
      expect.arrayContaining([
        's4_bert/embeddings/word_embeddings/embedding',
        's4_bert/embeddings/LayerNorm/scale',
        's4_bert/encoder/layer/0/fs4/A_re',
        's4_bert/encoder/layer/0/fs4/D',
        's4_bert/encoder/layer/1/do/kernel',
        'cls/predictions/transform/dense/kernel',
        'cls/predictions/transform/LayerNorm/scale',
        'cls/predictions/bias',
      ]),
    );
    m.dispose();
    mlm.dispose();
  });

  it('the BERT baseline (STACK + attention) uses HF BERT names', async () => {
    const cfg = tiny({
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      modelType: 'bert',
      blockGelu: 'erf',
    });
    const m = createModel(cfg, 'masked-lm');
    const names = [...stateDict(m).keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'bert.embeddings.word_embeddings.weight',
        'bert.encoder.layer.0.attention.self.query.weight',
        'bert.encoder.layer.0.attention.self.key.bias',
        'bert.encoder.layer.0.attention.self.value.weight',
        'bert.encoder.layer.0.attention.output.dense.weight',
        'bert.encoder.layer.0.attention.output.LayerNorm.weight',
        'bert.encoder.layer.1.intermediate.dense.weight',
        'bert.encoder.layer.1.output.dense.weight',
        'bert.encoder.layer.1.output.LayerNorm.bias',
        'cls.predictions.transform.dense.weight',
      ]),
    );
    const dir = await tmp();
    await savePretrained(m, dir);
    const { model } = await fromPretrained(dir, { logger: quiet });
    expect(model.config.modelType).toBe('bert');
    sameParams(snapshot(m), snapshot(model));
    m.dispose();
    model.dispose();
  });

  it('accepts a torch-port state_dict: position_ids buffer, tied decoder weight/bias, the always-built pooler', () => {
    const m = new BiGSForMaskedLM(tiny());
    randomize(m);
    const sd = stateDict(m);
    sd.set('bigs.embeddings.position_ids', {
      shape: [1, 16],
      data: Float32Array.from({ length: 16 }, (_, i) => i),
    });
    sd.set('cls.predictions.decoder.weight', sd.get('bigs.embeddings.word_embeddings.weight')!);
    sd.set('cls.predictions.decoder.bias', sd.get('cls.predictions.bias')!);
    sd.set('bigs.pooler.dense.weight', { shape: [8, 8], data: new Float32Array(64) });
    sd.set('bigs.pooler.dense.bias', { shape: [8], data: new Float32Array(8) });
    const fresh = new BiGSForMaskedLM(tiny(), { seed: 9 });
    const notes: string[] = [];
    const r = loadStateDict(fresh, sd, { format: 'torch', logger: (n) => notes.push(n) });
    expect(r.ignored.sort()).toEqual(
      [
        'bigs.embeddings.position_ids',
        'bigs.pooler.dense.bias',
        'bigs.pooler.dense.weight',
        'cls.predictions.decoder.bias',
        'cls.predictions.decoder.weight',
      ].sort(),
    );
    expect(notes.join('\n')).toMatch(/tied decoder/);
    expect(notes.join('\n')).toMatch(/dropped .*pooler tensors \(this model has no pooler\)/);
    sameParams(snapshot(m), snapshot(fresh));
    m.dispose();
    fresh.dispose();
  });

  it('fails loudly, naming the tensor, on missing / unexpected / mis-shaped tensors; the model is unchanged', () => {
    const m = new BiGSForMaskedLM(tiny());
    const target = new BiGSForMaskedLM(tiny(), { seed: 5 });
    const before = snapshot(target);
    const variants: Array<[string, (sd: Map<string, HostTensor>) => void, RegExp]> = [
      [
        'missing',
        (sd) => sd.delete('bigs.encoder.layer.1.fs4.kernel.C'),
        /missing tensors: bigs\.encoder\.layer\.1\.fs4\.kernel\.C/,
      ],
      [
        'unexpected',
        (sd) => sd.set('bigs.encoder.layer.2.dv.weight', { shape: [1], data: new Float32Array(1) }),
        /unexpected tensors: bigs\.encoder\.layer\.2\.dv\.weight/,
      ],
      [
        'mis-shaped',
        (sd) => sd.set('bigs.encoder.layer.0.dv.weight', { shape: [8, 16], data: new Float32Array(128) }),
        /'bigs\.encoder\.layer\.0\.dv\.weight' has shape \[8,16\] in the file, expected \[16,8\]/,
      ],
    ];
    for (const [, mutate, re] of variants) {
      const sd = stateDict(m);
      mutate(sd);
      expect(() =>
        loadStateDict(target, sd, { format: 'torch', source: 'x.safetensors', logger: quiet }),
      ).toThrow(re);
      sameParams(before, snapshot(target));
    }
    m.dispose();
    target.dispose();
  });

  it('a truncated or corrupt file is an error naming the file and tensor, and no variable changes', async () => {
    const dir = await tmp();
    const m = new BiGSForMaskedLM(tiny());
    randomize(m);
    await savePretrained(m, dir);
    const target = new BiGSForMaskedLM(tiny(), { seed: 5 });
    const before = snapshot(target);
    const path = join(dir, 'model.safetensors');
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadWeights(target, dir, { logger: quiet })).rejects.toThrow(
      /model\.safetensors.*tensor '.*'.*truncated/,
    );
    const corrupt = Buffer.from(bytes);
    corrupt[20] = 0x00; // inside the JSON header
    await writeFile(path, corrupt);
    await expect(loadWeights(target, dir, { logger: quiet })).rejects.toThrow(/model\.safetensors/);
    sameParams(before, snapshot(target));
    m.dispose();
    target.dispose();
  });

  it('MLM checkpoint → sequence classifier: pooler and classifier newly initialised, cls/ dropped (noted)', async () => {
    const dir = await tmp();
    const m = new BiGSForMaskedLM(tiny());
    randomize(m);
    await savePretrained(m, dir);
    const notes: string[] = [];
    const { model, report } = await fromPretrained(dir, {
      head: 'sequence-classification',
      overrides: { numLabels: 3 },
      logger: (n) => notes.push(n),
    });
    expect(report.newlyInitialized.sort()).toEqual([
      'bigs.pooler.dense.bias',
      'bigs.pooler.dense.kernel',
      'classifier.bias',
      'classifier.kernel',
    ]);
    expect(notes.join('\n')).toMatch(/newly initialized: .*classifier\.kernel/);
    expect(notes.join('\n')).toMatch(/dropped .*MLM head tensors.*cls\.predictions\.bias/);
    expect((model as BiGSForSequenceClassification).forward({ inputIds: ids2d(IDS) }).logits.shape).toEqual([
      2, 3,
    ]);
    const src = snapshot(m);
    const dst = snapshot(model);
    expect(Array.from(dst.get('bigs.encoder.layer.1.routing.fs4.C')!)).toEqual(
      Array.from(src.get('bigs.encoder.layer.1.routing.fs4.C')!),
    );
    m.dispose();
    model.dispose();
  });

  it('another task head in the checkpoint (classifier on an MLM model) is dropped with a note', () => {
    const m = new BiGSForSequenceClassification(tiny());
    const notes: string[] = [];
    const mlm = new BiGSForMaskedLM(tiny());
    const r = loadStateDict(mlm, stateDict(m), { format: 'torch', logger: (n) => notes.push(n) });
    expect(r.ignored).toEqual(
      expect.arrayContaining(['classifier.weight', 'classifier.bias', 'bigs.pooler.dense.weight']),
    );
    expect(notes.join('\n')).toMatch(/dropped .*task-head tensors of another task: classifier/);
    expect(r.newlyInitialized).toEqual(expect.arrayContaining(['cls.predictions.bias']));
    m.dispose();
    mlm.dispose();
  });

  it('head checkpoints into a bare model: one note names each dropped tensor once', () => {
    for (const head of [new BiGSForMaskedLM(tiny()), new BiGSForSequenceClassification(tiny())]) {
      const notes: string[] = [];
      const base = new BiGSModel(tiny());
      const r = loadStateDict(base, stateDict(head), { format: 'torch', logger: (n) => notes.push(n) });
      const dropNotes = notes.filter((n) => /dropped|not used/.test(n));
      expect(dropNotes).toHaveLength(1);
      const heads = r.ignored.filter((n) => /^(cls|classifier)[./]|pooler[./]/.test(n));
      expect(heads.length).toBeGreaterThan(0);
      for (const name of heads) expect(dropNotes[0]!.split(name).length - 1).toBe(1);
      head.dispose();
      base.dispose();
    }
  });

  it('ignoreMismatchedSizes re-initialises a classifier with another label count', async () => {
    const dir = await tmp();
    const m = new BiGSForSequenceClassification(tiny({ numLabels: 3 }));
    await savePretrained(m, dir);
    await expect(fromPretrained(dir, { overrides: { numLabels: 2 }, logger: quiet })).rejects.toThrow(
      /'classifier\.weight' has shape \[3,8\] in the file, expected \[2,8\].*pass ignoreMismatchedSizes/,
    );
    const { model, report } = await fromPretrained(dir, {
      overrides: { numLabels: 2 },
      ignoreMismatchedSizes: true,
      logger: quiet,
    });
    expect(report.mismatched.sort()).toEqual(['classifier.bias', 'classifier.weight']);
    expect(model.config.numLabels).toBe(2);
    m.dispose();
    model.dispose();
  });

  it('ignoreMismatchedSizes never re-initialises a backbone tensor: a mis-shaped word embedding is an error naming it, with or without the flag', async () => {
    const dir = await tmp();
    const m = new BiGSForSequenceClassification(tiny({ vocabSize: 60, numLabels: 3 }));
    await savePretrained(m, dir);
    // config.json claims another vocabulary than the weights hold.
    const cfgPath = join(dir, 'config.json');
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8'));
    await writeFile(cfgPath, JSON.stringify({ ...cfg, vocab_size: 50 }));
    const emb =
      /'bigs\.embeddings\.word_embeddings\.weight' has shape \[60,8\] in the file, expected \[50,8\] \(the weights were saved for another architecture than config\.json describes/;
    for (const ignoreMismatchedSizes of [false, true]) {
      const err = await fromPretrained(dir, { ignoreMismatchedSizes, logger: quiet }).catch((e) => e);
      expect(err).toBeInstanceOf(CheckpointMismatchError);
      expect(err.message).toMatch(emb);
      expect(err.message).toMatch(
        /ignoreMismatchedSizes re-initialises task-head tensors \(classifier, qa_outputs\) only/,
      );
      expect((err as CheckpointMismatchError).misShaped.map((x) => [x.name, x.taskHead])).toEqual([
        ['bigs.embeddings.word_embeddings.weight', false],
      ]);
    }
    // With another label count too: the flag would re-initialise the classifier, never the embeddings.
    const err = await fromPretrained(dir, {
      overrides: { numLabels: 2 },
      ignoreMismatchedSizes: true,
      logger: quiet,
    }).catch((e) => e);
    expect(err.message).toMatch(emb);
    expect(err.message).not.toMatch(/'classifier\./);
    expect((err as CheckpointMismatchError).misShaped.map((x) => x.name)).toEqual([
      'bigs.embeddings.word_embeddings.weight',
    ]);
    const noFlag = await fromPretrained(dir, { overrides: { numLabels: 2 }, logger: quiet }).catch((e) => e);
    expect((noFlag as CheckpointMismatchError).misShaped.map((x) => [x.name, x.taskHead])).toEqual([
      ['bigs.embeddings.word_embeddings.weight', false],
      ['classifier.weight', true],
      ['classifier.bias', true],
    ]);
    m.dispose();
  });

  it('a head checkpoint loads into the bare model (prefix stripped, heads ignored) and a bare one into a head model', async () => {
    const m = new BiGSForSequenceClassification(tiny());
    randomize(m);
    const base = new BiGSModel(tiny());
    const r = loadStateDict(base, stateDict(m), { format: 'torch', logger: quiet });
    expect(r.ignored.sort()).toEqual([
      'bigs.pooler.dense.bias',
      'bigs.pooler.dense.weight',
      'classifier.bias',
      'classifier.weight',
    ]);
    expect(r.loaded).toContain('bigs.embeddings.word_embeddings.weight');
    const bare = stateDict(base);
    expect([...bare.keys()][0]).toBe('embeddings.word_embeddings.weight');
    const head = new BiGSForMaskedLM(tiny(), { seed: 4 });
    const r2 = loadStateDict(head, bare, { format: 'torch', logger: quiet });
    expect(r2.newlyInitialized.length).toBeGreaterThan(0); // the MLM head
    m.dispose();
    base.dispose();
    head.dispose();
  });

  it('pytorch_model.bin alone → clear error asking for a safetensors conversion; empty dir → error', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'pytorch_model.bin'), 'x');
    await writeFile(join(dir, 'config.json'), '{}');
    await expect(fromPretrained(dir)).rejects.toThrow(/pytorch_model\.bin.*Convert it to safetensors/);
    await expect(fromPretrained(await tmp())).rejects.toThrow(/no weights found/);
    // A directory that does not exist is named as such (not "no weights found"); so is a file.
    const gone = join(dir, 'nope');
    await expect(fromPretrained(gone)).rejects.toThrow(
      new RegExp(`^${gone}: does not exist \\(expected a model directory`),
    );
    await expect(fromPretrained(join(dir, 'config.json'))).rejects.toThrow(
      /config\.json: is a file, not a model directory/,
    );
  });

  it('imports the official Flax msgpack layout: outputs identical to the same weights loaded by torch names', async () => {
    const cfg = tiny({ semantics: 'flax' });
    const m = new BiGSForMaskedLM(cfg, { seed: 2 });
    randomize(m);
    // Build flax_model.msgpack as HF writes it: nested maps, ExtType 1 leaves [shape, "float32", bytes], no params key.
    const params = m.parameterMap();
    const tree: Record<string, unknown> = {};
    for (const e of buildNameMap(m)) {
      const parts = e.flax.split('/');
      let node = tree;
      for (const p of parts.slice(0, -1)) {
        node[p] ??= {};
        node = node[p] as Record<string, unknown>;
      }
      const data = params.get(e.param)!.variable.dataSync() as Float32Array;
      node[parts.at(-1)!] = new ExtData(
        1,
        encode([e.shape, 'float32', new Uint8Array(data.buffer.slice(0))]),
      );
    }
    expect(Object.keys(tree).sort()).toEqual(['cls', 's4_bert']);
    const flaxDir = await tmp();
    await writeFile(join(flaxDir, 'flax_model.msgpack'), encode(tree));
    // An official-style config.json: no bigs-ts keys, so the Flax semantics come from the file type.
    const official = Object.fromEntries(
      Object.entries(configToJSON(cfg)).filter(
        ([k]) =>
          ![
            'block_architecture',
            'routing',
            'block_gelu',
            'kernel_length',
            'num_attention_heads',
            'attention_probs_dropout_prob',
            'conv_strategy',
            'semantics',
          ].includes(k),
      ),
    );
    await writeFile(
      join(flaxDir, 'config.json'),
      JSON.stringify({ ...official, architectures: ['FlaxBiGSForMaskedLM'], transformers_version: '4.26.0' }),
    );
    const { model: fx } = await fromPretrained(flaxDir, { logger: quiet });
    expect(fx.config).toMatchObject({ semantics: 'flax', blockGelu: 'tanh', kernelLength: 'max_position' });
    const torchDir = await tmp();
    await savePretrained(m, torchDir);
    const { model: pt } = await fromPretrained(torchDir, { logger: quiet });
    sameParams(snapshot(pt), snapshot(fx));
    const ids = ids2d([Array.from({ length: 16 }, (_, i) => (i * 7) % 50)]);
    const a = (fx as BiGSForMaskedLM).forward({ inputIds: ids }).logits.dataSync();
    const b = (pt as BiGSForMaskedLM).forward({ inputIds: ids }).logits.dataSync();
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // Flax length semantics: L must be P; the explicit override accepts shorter inputs.
    expect(() => (fx as BiGSForMaskedLM).forward({ inputIds: ids2d(IDS) })).toThrow(
      /exactly max_position_embeddings/,
    );
    const { model: fx2 } = await fromPretrained(flaxDir, {
      overrides: { kernelLength: 'input' },
      logger: quiet,
    });
    expect((fx2 as BiGSForMaskedLM).forward({ inputIds: ids2d(IDS) }).logits.shape).toEqual([2, 6, 50]);
    // Without the bigs-ts keys, a safetensors dir would run as the PyTorch port.
    await writeFile(join(torchDir, 'config.json'), JSON.stringify(official));
    const { model: port } = await fromPretrained(torchDir, { head: 'masked-lm', logger: quiet });
    expect(port.config).toMatchObject({ semantics: 'pytorch', blockGelu: 'erf', kernelLength: 'input' });
    for (const x of [m, fx, fx2, pt, port]) x.dispose();
  });

  it('Flax msgpack reader: ExtType 3 scalars, params wrapper, and clear errors (truncated, chunked, complex, bad dtype)', () => {
    const leaf = (shape: number[], data: number[]) =>
      new ExtData(1, encode([shape, 'float32', new Uint8Array(new Float32Array(data).buffer)]));
    const t = parseFlaxMsgpack(
      encode({
        params: {
          a: { kernel: leaf([1, 2], [1, 2]) },
          s: new ExtData(3, encode([[], 'float64', new Uint8Array(new Float64Array([0.5]).buffer)])),
        },
      }),
      'f.msgpack',
    );
    expect([...t.keys()]).toEqual(['a/kernel', 's']);
    expect(Array.from(t.get('s')!.data)).toEqual([0.5]);
    const good = encode({ a: { kernel: leaf([2], [1, 2]) } });
    expect(() => parseFlaxMsgpack(good.subarray(0, good.length - 3), 'f.msgpack')).toThrow(
      /'f\.msgpack'.*truncated or corrupt/,
    );
    expect(() => parseFlaxMsgpack(encode({ a: { __msgpack_chunked_array__: true } }), 'f.msgpack')).toThrow(
      /'a'.*chunked arrays/,
    );
    expect(() => parseFlaxMsgpack(encode({ a: new ExtData(2, new Uint8Array(2)) }), 'f.msgpack')).toThrow(
      /'a'.*complex/,
    );
    expect(() =>
      parseFlaxMsgpack(
        encode({ a: new ExtData(1, encode([[2], 'float32', new Uint8Array(4)])) }),
        'f.msgpack',
      ),
    ).toThrow(/'a'.*4 data bytes, expected 8/);
    expect(() =>
      parseFlaxMsgpack(
        encode({ a: new ExtData(1, encode([[1], 'complex64', new Uint8Array(8)])) }),
        'f.msgpack',
      ),
    ).toThrow(/'a'.*unsupported dtype/);
  });

  it('safetensors written by savePretrained carry format=pt metadata (HF loads them)', async () => {
    const dir = await tmp();
    const m = new BiGSModel(tiny());
    await savePretrained(m, dir);
    const { metadata } = parseSafetensors(await readFile(join(dir, 'model.safetensors')));
    expect(metadata.format).toBe('pt');
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).architectures).toEqual(['BiGSModel']);
    expect(serializeSafetensors(new Map()).length).toBe(16);
    m.dispose();
    tf.disposeVariables();
  });
});
