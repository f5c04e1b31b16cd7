import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BertTokenizer, embeddedTokenizerDir, loadEmbeddedTokenizer } from '@bigs/data';
import {
  type BiGSForMaskedLM,
  type BiGSForSequenceClassification,
  type BiGSForTokenClassification,
  buildNameMap,
  configToJSON,
  FLAX_NAME,
  fromPretrained,
  type HostTensor,
  poolHiddenStates,
  serializeFlaxMsgpack,
} from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineInputError } from './encode.js';
import { pipeline } from './pipeline.js';
import { softmax, topKIndices } from './scores.js';
import { lowLevelInputs, saveTinyModel, useCpu } from './test-helpers.js';

const P = 24;
let tok: BertTokenizer;

beforeAll(async () => {
  await useCpu();
  tok = await loadEmbeddedTokenizer();
});

describe('fill-mask', () => {
  let dir: string;
  let ref: BiGSForMaskedLM;
  beforeAll(async () => {
    dir = await saveTinyModel('masked-lm');
    ref = (await fromPretrained(dir, { logger: () => {} })).model as BiGSForMaskedLM;
  });
  afterAll(() => ref.dispose());

  const TEXTS = ['The old [MASK] told a story.', 'a [MASK] and a [MASK] ran home', 'the sea was [MASK]'];

  it('scores and tokens equal the softmax of the model’s own logits at each [MASK]', async () => {
    const fill = await pipeline('fill-mask', dir);
    const got = await fill(TEXTS, { topK: 4 });
    const low = lowLevelInputs(tok, TEXTS, P, P);
    const t = low.tensors();
    const logits = ref.forward(t).logits; // [B, L, V]
    const data = logits.dataSync();
    const v = ref.config.vocabSize;
    low.encodings.forEach((e, b) => {
      const masks = [...e.inputIds].flatMap((id, i) => (id === tok.maskTokenId ? [i] : []));
      expect(got[b]!.masks.map((m) => m.position)).toEqual(masks);
      masks.forEach((pos, j) => {
        const probs = softmax(data, (b * P + pos) * v, v);
        const ids = topKIndices(probs, 4);
        const preds = got[b]!.masks[j]!.predictions;
        expect(preds.map((p) => p.token)).toEqual(ids);
        expect(preds.map((p) => p.score)).toEqual(ids.map((id) => probs[id]));
        expect(preds.map((p) => p.tokenStr)).toEqual(tok.convertIdsToTokens(ids));
      });
    });
    tf.dispose([logits, ...Object.values(t)]);
    fill.dispose();
  });

  it('several [MASK]s: one slot each, sequences fill one mask, `filled` all of them; text kept as written', async () => {
    const fill = await pipeline('fill-mask', dir);
    const r = await fill('a [MASK] and a [MASK] ran home', { topK: 2 });
    expect(r.masks).toHaveLength(2);
    expect(r.masks.map((m) => [m.start, m.end])).toEqual([
      [2, 8],
      [15, 21],
    ]);
    const word = (s: string) => s.replace(/^##/, '');
    const [a, b] = [r.masks[0]!.predictions[0]!, r.masks[1]!.predictions[0]!];
    expect(a.sequence).toBe(`a ${word(a.tokenStr)} and a [MASK] ran home`);
    expect(b.sequence).toBe(`a [MASK] and a ${word(b.tokenStr)} ran home`);
    expect(r.filled).toBe(`a ${word(a.tokenStr)} and a ${word(b.tokenStr)} ran home`);
    const cased = await fill('The Old [MASK].');
    expect(cased.masks[0]!.predictions[0]!.sequence.startsWith('The Old ')).toBe(true);
    expect(cased.truncated).toBe(false);
    expect(cased.numTokens).toBe(6);
    fill.dispose();
  });

  it('batching gives the same results as one at a time; no tensor leaks', async () => {
    const one = await pipeline('fill-mask', dir, { batchSize: 1 });
    const three = await pipeline('fill-mask', dir, { batchSize: 3 });
    const before = tf.memory().numTensors;
    const a = await one(TEXTS);
    const b = await three(TEXTS);
    const c = await Promise.all(TEXTS.map((x) => three(x)));
    expect(tf.memory().numTensors).toBe(before);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    one.dispose();
    three.dispose();
  });

  it('errors name the problem: no [MASK], a model without an MLM head, bad options', async () => {
    const fill = await pipeline('fill-mask', dir);
    const err = await fill(['the [MASK] ran', 'no mask here']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineInputError);
    expect(err).toMatchObject({
      index: 1,
      problem: 'no-mask',
      hint: 'put [MASK] where the word to predict goes',
    });
    await expect(fill(['the [MASK] ran', 'no mask here'])).rejects.toThrow(
      /fill-mask: input 1 has no \[MASK\] token \("no mask here"\); put \[MASK\] where the word to predict goes/,
    );
    await expect(fill('the [MASK] ran', { topK: 0 })).rejects.toThrow(
      /option topK must be an integer >= 1, got 0/,
    );
    await expect(fill({ text: 'a [MASK]', pair: 'b' })).rejects.toThrow(/takes single texts, not pairs/);
    fill.dispose();
    const cls = await saveTinyModel('sequence-classification');
    await expect(pipeline('fill-mask', cls)).rejects.toThrow(
      /fill-mask: .*bigs-pipelines-sequence-classification-\w+ has no masked-LM head \(cls\.predictions\.\*\): 5 head tensors \(cls\.predictions\.bias, …\) not in its weights \(architectures: BiGSForSequenceClassification\); fill-mask needs a masked-LM model \(what pnpm pretrain writes, or an official BiGS checkpoint\)/,
    );
    await expect(pipeline('fill-mask', ref)).rejects.toThrow(/a model passed in needs its tokenizer/);
    // @ts-expect-error an unknown task
    await expect(pipeline('summarize', dir)).rejects.toThrow(
      /task must be one of fill-mask \| text-classification/,
    );
    await expect(pipeline('fill-mask', dir, { maxLength: 99 })).rejects.toThrow(
      /option maxLength must be an integer in \[3, 24\] \(max_position_embeddings\), got 99/,
    );
    const noTok = await saveTinyModel('masked-lm', {}, { tokenizer: false });
    await expect(pipeline('fill-mask', noTok)).rejects.toThrow(
      /holds no tokenizer \(tokenizer\.json or vocab\.txt\); pass options\.tokenizer/,
    );
  });

  it('too-long input: truncated with a note in the result, or refused with truncation "error"', async () => {
    const long = `the [MASK] ${'word '.repeat(40)}end`;
    const fill = await pipeline('fill-mask', dir);
    const r = await fill(long);
    expect(r.truncated).toBe(true);
    expect(r.numTokens).toBe(P);
    expect(r.originalNumTokens).toBe(45);
    const strict = await pipeline('fill-mask', dir, { truncation: 'error' });
    await expect(strict(['the [MASK]', long])).rejects.toThrow(
      /fill-mask: input 1 is 45 tokens long \(\[CLS\]\/\[SEP\] included\), more than the max length 24 \("the \[MASK\] word .*"\); shorten it, or use truncation 'truncate'/,
    );
    await expect(fill(`${'word '.repeat(40)} [MASK]`)).rejects.toThrow(
      /fill-mask: input 0 has every \[MASK\] beyond the max length 24 tokens, so truncation cut them all \("word word .*"\); shorten the text before the \[MASK\]/,
    );
    fill.dispose();
    strict.dispose();
  });

  it('a model passed in, with its tokenizer; padding "longest" equals the forward pass at that length', async () => {
    const fill = await pipeline('fill-mask', { model: ref, tokenizer: tok }, { padding: 'longest' });
    const texts = ['the [MASK] ran', 'a much longer [MASK] sentence than that'];
    const got = await fill(texts, { topK: 3 });
    const low = lowLevelInputs(tok, texts, 'longest', P);
    const t = low.tensors();
    const logits = ref.forward(t).logits; // [B, L, V]
    const data = logits.dataSync();
    const v = ref.config.vocabSize;
    low.encodings.forEach((e, b) => {
      const pos = e.inputIds.indexOf(tok.maskTokenId);
      const probs = softmax(data, (b * low.length + pos) * v, v);
      expect(got[b]!.masks[0]!.predictions.map((p) => p.score)).toEqual(
        topKIndices(probs, 3).map((id) => probs[id]),
      );
    });
    tf.dispose([logits, ...Object.values(t)]);
    fill.dispose(); // not owned: the model stays usable
    expect(ref.forward({ inputIds: tf.zeros([1, 4], 'int32') }).logits.shape).toEqual([1, 4, 8192]);
  });

  it('an official-style Flax checkpoint (flax_model.msgpack, no tokenizer) with a separate vocab.txt', async () => {
    const flaxDir = await mkdtemp(join(tmpdir(), 'bigs-pipelines-flax-'));
    const flax = new Map<string, HostTensor>();
    const params = ref.parameterMap();
    for (const e of buildNameMap(ref)) {
      flax.set(e.flax, { shape: e.shape, data: params.get(e.param)!.variable.dataSync() as Float32Array });
    }
    const official = configToJSON(ref.config);
    for (const k of [
      'semantics',
      'block_gelu',
      'kernel_length',
      'block_architecture',
      'routing',
      'conv_strategy',
    ])
      delete official[k];
    await writeFile(join(flaxDir, 'config.json'), JSON.stringify(official));
    await writeFile(join(flaxDir, FLAX_NAME), serializeFlaxMsgpack(flax));
    await expect(pipeline('fill-mask', flaxDir)).rejects.toThrow(/holds no tokenizer/);
    const vocab = join(embeddedTokenizerDir(), 'vocab.txt');
    const fill = await pipeline('fill-mask', flaxDir, { tokenizer: vocab });
    expect(fill.model.config.kernelLength).toBe('max_position');
    expect(fill.paddedLength).toBe(P);
    const r = await fill('the old [MASK] told a story', { topK: 3 });
    // Same weights, Flax semantics (tanh GELU in the blocks, L = P): the reference loaded the same way agrees.
    const same = (await fromPretrained(flaxDir, { logger: () => {} })).model as BiGSForMaskedLM;
    const low = lowLevelInputs(tok, ['the old [MASK] told a story'], P, P);
    const t = low.tensors();
    const logits = same.forward(t).logits;
    const pos = low.encodings[0]!.inputIds.indexOf(tok.maskTokenId);
    const probs = softmax(logits.dataSync(), pos * 8192, 8192);
    expect(r.masks[0]!.predictions.map((p) => p.score)).toEqual(topKIndices(probs, 3).map((i) => probs[i]));
    tf.dispose([logits, ...Object.values(t)]);
    same.dispose();
    fill.dispose();
  });

  it('Flax length semantics: inputs padded to exactly P; padding "longest" refused', async () => {
    const flax = await pipeline('fill-mask', dir, { overrides: { kernelLength: 'max_position' } });
    expect(flax.paddedLength).toBe(P);
    const r = await flax('the [MASK] ran');
    expect(r.masks[0]!.predictions).toHaveLength(5);
    flax.dispose();
    await expect(
      pipeline('fill-mask', dir, { overrides: { kernelLength: 'max_position' }, padding: 'longest' }),
    ).rejects.toThrow(/padding 'longest' is not possible: this model follows the Flax length semantics/);
  });
});

describe('text-classification', () => {
  const LABELS = { '0': 'negative', '1': 'neutral', '2': 'positive' };
  let dir: string;
  let ref: BiGSForSequenceClassification;
  beforeAll(async () => {
    dir = await saveTinyModel('sequence-classification', {
      numLabels: 3,
      id2label: LABELS,
      label2id: { negative: 0, neutral: 1, positive: 2 },
    });
    ref = (await fromPretrained(dir, { logger: () => {} })).model as BiGSForSequenceClassification;
  });
  afterAll(() => ref.dispose());

  const INPUTS = ['a gripping tale', { text: 'the cat sat', pair: 'a cat was sitting' }, 'a dull mess .'];

  it('labels from id2label, softmax of the model’s own logits; pairs; top-k and all labels', async () => {
    const classify = await pipeline('text-classification', dir, { batchSize: 2 });
    const got = await classify(INPUTS, { topK: 'all' });
    const low = lowLevelInputs(tok, INPUTS, P, P);
    const t = low.tensors();
    const logits = ref.forward(t).logits; // [B, 3]
    const data = logits.dataSync();
    got.forEach((r, b) => {
      const row = Array.from(data.subarray(b * 3, b * 3 + 3));
      const probs = softmax(row);
      expect(r.logits).toEqual(row);
      expect(r.labels.map((l) => l.score)).toEqual(topKIndices(probs, 3).map((i) => probs[i]));
      expect(r.labels.map((l) => l.label)).toEqual(
        topKIndices(probs, 3).map((i) => LABELS[String(i) as '0' | '1' | '2']),
      );
      expect(r.label).toBe(r.labels[0]!.label);
      expect(r.problemType).toBe('single_label_classification');
    });
    expect(got[1]!.pair).toBe('a cat was sitting');
    tf.dispose([logits, ...Object.values(t)]);
    const top1 = await classify('a gripping tale');
    expect(top1.labels).toHaveLength(1);
    expect(top1.label).toBe(got[0]!.label);
    const one = await pipeline('text-classification', dir, { batchSize: 1 });
    expect(await one(INPUTS, { topK: 'all' })).toEqual(got);
    await expect(classify('x', { topK: -1 })).rejects.toThrow(
      /topK must be an integer >= 1 or 'all', got -1/,
    );
    classify.dispose();
    one.dispose();
  });

  it('a one-label model is regression: the score is the raw output', async () => {
    const reg = await saveTinyModel('sequence-classification', { numLabels: 1 });
    const classify = await pipeline('text-classification', reg);
    const r = await classify({ text: 'a man plays', pair: 'a man is playing' });
    const m = (await fromPretrained(reg, { logger: () => {} })).model as BiGSForSequenceClassification;
    const low = lowLevelInputs(tok, [{ text: 'a man plays', pair: 'a man is playing' }], P, P);
    const t = low.tensors();
    const logits = m.forward(t).logits;
    expect(r.problemType).toBe('regression');
    expect(r.score).toBe(logits.dataSync()[0]);
    expect(r.labels).toEqual([{ id: 0, label: 'LABEL_0', score: r.score }]);
    tf.dispose([logits, ...Object.values(t)]);
    m.dispose();
    classify.dispose();
  });

  it('an MLM checkpoint (or model) has no classifier: named error', async () => {
    await expect(pipeline('text-classification', { model: ref, tokenizer: tok })).resolves.toBeTruthy();
    const lm = (await fromPretrained(await saveTinyModel('masked-lm'), { logger: () => {} })).model;
    await expect(pipeline('text-classification', { model: lm, tokenizer: tok })).rejects.toThrow(
      /text-classification: the model passed in has no sequence-classification head \(pooler \+ classifier\): its headType is 'masked-lm' \(architectures: BiGSForMaskedLM\)/,
    );
    lm.dispose();
    const mlm = await saveTinyModel('masked-lm');
    await expect(pipeline('text-classification', mlm)).rejects.toThrow(
      /text-classification: .* has no sequence-classification head \(pooler \+ classifier\): \d+ head tensors .* not in its weights \(architectures: BiGSForMaskedLM\); text-classification needs a sequence-classification model \(what pnpm finetune writes\)/,
    );
  });
});

describe('token-classification', () => {
  let dir: string;
  let ref: BiGSForTokenClassification;
  beforeAll(async () => {
    dir = await saveTinyModel('token-classification', {
      numLabels: 3,
      id2label: { '0': 'O', '1': 'B-PER', '2': 'I-PER' },
      label2id: { O: 0, 'B-PER': 1, 'I-PER': 2 },
    });
    ref = (await fromPretrained(dir, { logger: () => {} })).model as BiGSForTokenClassification;
  });
  afterAll(() => ref.dispose());

  it('per-token labels are the argmax of the model’s own logits; words from word ids and offsets', async () => {
    const tag = await pipeline('token-classification', dir);
    const text = 'Ishmael told  unbelievably long stories.';
    const r = await tag(text);
    const low = lowLevelInputs(tok, [text], P, P);
    const t = low.tensors();
    const logits = ref.forward(t).logits; // [1, L, 3]
    const data = logits.dataSync();
    const e = tok.encode(text, null, { returnOffsets: true });
    const real = e.tokens!.flatMap((_, i) => (e.specialTokensMask[i] ? [] : [i]));
    expect(r.tokens.map((x) => x.position)).toEqual(real);
    expect(r.tokens.map((x) => x.token)).toEqual(real.map((i) => e.tokens![i]));
    for (const x of r.tokens) {
      const probs = softmax(data, x.position * 3, 3);
      const best = topKIndices(probs, 1)[0]!;
      expect(x.score).toBe(probs[best]);
      expect(x.label).toBe(['O', 'B-PER', 'I-PER'][best]);
    }
    expect(r.words.map((w) => w.word)).toEqual(['Ishmael', 'told', 'unbelievably', 'long', 'stories', '.']);
    expect(r.words.every((w) => text.slice(w.start, w.end) === w.word)).toBe(true);
    const split = r.words.find((w) => w.positions.length > 1)!;
    expect(split.label).toBe(r.tokens.find((x) => x.position === split.positions[0])!.label);
    const noO = await tag(text, { ignoreLabels: ['O'] });
    expect(noO.words.every((w) => w.label !== 'O')).toBe(true);
    tf.dispose([logits, ...Object.values(t)]);
    const one = await pipeline('token-classification', dir, { batchSize: 1 });
    const texts = [text, 'short one', { text: 'a pair', pair: 'Second Part' }];
    expect(await one(texts)).toEqual(await tag(texts));
    const pair = (await tag(texts))[2]!;
    expect(pair.words.filter((w) => w.segment === 1).map((w) => w.word)).toEqual(['Second', 'Part']);
    one.dispose();
    tag.dispose();
  });
});

describe('feature-extraction', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await saveTinyModel('masked-lm');
  });

  it('mean = the pooler’s non-padding mean of the last hidden state; cls; none = one vector per real token', async () => {
    const embed = await pipeline('feature-extraction', dir);
    expect(embed.model.headType).toBe('base');
    const texts = ['the old sailor', { text: 'a b', pair: 'c d e' }];
    const mean = await embed(texts);
    const cls = await embed(texts, { pooling: 'cls' });
    const none = await embed(texts, { pooling: 'none' });
    const ref = (await fromPretrained(dir, { head: 'base', logger: () => {} })).model;
    const low = lowLevelInputs(tok, texts, P, P);
    const t = low.tensors();
    const last = ref.backbone.forward(t).lastHiddenState; // [B, L, H]
    const pooled = poolHiddenStates(last, t.attentionMask, 'non_padding_mean'); // [B, H]
    const h = 8;
    const lastData = last.dataSync();
    const pooledData = pooled.dataSync();
    low.encodings.forEach((e, b) => {
      expect(mean[b]!.embedding).toEqual(Array.from(pooledData.subarray(b * h, (b + 1) * h)));
      expect(cls[b]!.embedding).toEqual(Array.from(lastData.subarray(b * P * h, b * P * h + h)));
      const n = e.inputIds.length;
      expect(none[b]!.tokenEmbeddings).toHaveLength(n);
      expect(none[b]!.tokenEmbeddings![n - 1]).toEqual(
        Array.from(lastData.subarray((b * P + n - 1) * h, (b * P + n) * h)),
      );
      expect(none[b]!.tokens).toEqual(tok.convertIdsToTokens(e.inputIds));
    });
    const unit = await embed('the old sailor', { normalize: true });
    expect(Math.hypot(...unit.embedding!)).toBeCloseTo(1, 6);
    await expect(embed('x', { pooling: 'max' as 'mean' })).rejects.toThrow(
      /option pooling must be one of mean \| cls \| none, got "max"/,
    );
    const one = await pipeline('feature-extraction', dir, { batchSize: 1 });
    expect(await one(texts)).toEqual(mean);
    tf.dispose([last, pooled, ...Object.values(t)]);
    ref.dispose();
    one.dispose();
    embed.dispose();
  });
});
