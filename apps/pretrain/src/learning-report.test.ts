import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedCorpusPaths, loadEmbeddedTokenizer, ShardSet } from '@bigs/data';
import { BiGSForMaskedLM, createConfig } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedLabelsOf, type PreparedData, prepareData } from './data.js';
import {
  countUnigrams,
  learningReport,
  maskedSentences,
  unigramLogProbs,
  unigramLoss,
} from './learning-report.js';

const WORK = mkdtempSync(join(tmpdir(), 'learning-report-'));
const OUT = join(WORK, 'run');
let data: PreparedData;
const tok = await loadEmbeddedTokenizer();

beforeAll(async () => {
  await initEngine({ backend: 'cpu', quiet: true });
  // 400 paragraphs of Moby-Dick: enough for a few dozen held-out sequences at L = 64.
  const text = readFileSync(embeddedCorpusPaths(['moby-dick'])[0]!, 'utf8')
    .split('\n')
    .slice(0, 400)
    .join('\n');
  const file = join(WORK, 'text.txt');
  writeFileSync(file, text);
  data = await prepareData({
    trainFiles: [file],
    validationSplitPercentage: 10,
    seqLength: 64,
    seed: 1,
    dataDir: join(OUT, 'data'),
    tokenizer: tok,
    masking: { maskProb: 0.15, wholeWord: false },
    batchSize: 8,
    evalBatchSize: 8,
    log: () => {},
  });
});

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('unigram baseline', () => {
  it('counts every non-special training token once', () => {
    const set = ShardSet.open(join(OUT, 'data', 'train'));
    const skip = [tok.clsTokenId, tok.sepTokenId, tok.padTokenId, tok.maskTokenId];
    const u = countUnigrams(set, tok.vocabSize, skip);
    let expected = 0;
    for (let s = 0; s < set.numShards; s++)
      for (let i = 0; i < set.shardSize(s); i++)
        for (const id of set.sequence(s, i).ids) if (!skip.includes(id)) expected++;
    expect(u.total).toBe(expected);
    expect(u.counts.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(u.counts[tok.clsTokenId]).toBe(0);
    // Moby-Dick's most frequent tokens: the comma, the period, 'the'.
    const top = tok.convertIdsToTokens([u.counts.indexOf(Math.max(...u.counts))])[0];
    expect([',', '.', 'the']).toContain(top);
    const [the, whale] = tok.convertTokensToIds(['the', 'whale']);
    expect(u.counts[the!]).toBeGreaterThan(u.counts[whale!]!);
    expect(u.counts[whale!]).toBeGreaterThan(0);
  });

  it('scores exactly the masked slots: a uniform guess costs ln V, training frequencies much less', () => {
    const V = tok.vocabSize;
    let slots = 0;
    for (const b of data.evalBatches!()) slots += maskedLabelsOf(b).filter((x) => x >= 0).length;
    const uniform = unigramLoss(data.evalBatches!(), new Float64Array(V).fill(-Math.log(V)));
    expect(uniform.count).toBe(slots);
    expect(uniform.loss).toBeCloseTo(Math.log(V), 10);
    const u = countUnigrams(ShardSet.open(join(OUT, 'data', 'train')), V, [tok.clsTokenId, tok.sepTokenId]);
    const lp = unigramLogProbs(u);
    expect(lp.reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 9); // a distribution
    const base = unigramLoss(data.evalBatches!(), lp);
    expect(base.count).toBe(slots);
    expect(base.loss).toBeLessThan(Math.log(V) - 1.5);
  });

  it('refuses batches with nothing masked', () => {
    expect(() => unigramLoss([], new Float64Array(4))).toThrow(/hold no masked position/);
  });
});

describe('fill-mask examples', () => {
  it('mask one single-token word of a held-out sentence, deterministically', () => {
    const set = ShardSet.open(join(OUT, 'data', 'validation'));
    const a = maskedSentences(set, tok, 3);
    expect(a.length).toBeGreaterThan(0);
    expect(maskedSentences(set, tok, 3)).toEqual(a);
    const heldOut: string[] = [];
    for (let i = 0; i < set.shardSize(0); i++)
      heldOut.push(tok.decode(Array.from(set.sequence(0, i).ids), { skipSpecialTokens: true }));
    for (const e of a) {
      expect(e.masked.split('[MASK]').length).toBe(2);
      expect(tok.tokenize(e.answer)).toEqual([e.answer]);
      expect(heldOut.some((t) => t.includes(e.masked.replace('[MASK]', e.answer)))).toBe(true);
    }
  });
});

describe('learningReport', () => {
  it('prints the comparison and fill-mask lines and writes learning_report.json', async () => {
    const model = new BiGSForMaskedLM(
      createConfig({
        vocabSize: tok.vocabSize,
        hiddenSize: 32,
        numHiddenLayers: 1,
        intermediateSize: 64,
        numSsm: 8,
        maxPositionEmbeddings: 64,
        kernelLength: 'input',
      }),
      { seed: 3 },
    );
    const r = await learningReport({
      model,
      tokenizer: tok,
      evaluate: async () => ({ loss: 5.25, accuracy: 0.2 }),
      evalBatches: data.evalBatches,
      outDir: OUT,
      examples: 2,
    });
    model.dispose();
    expect(r.heldOutLoss).toBe(5.25);
    expect(r.unigramLoss).toBeGreaterThan(5.25);
    expect(r.lines[0]).toMatch(
      /^learned context\? held-out masked-LM loss 5\.250 \(accuracy 20\.0 %\) vs unigram baseline \d\.\d{3} on the same \d+ masked tokens: \d\.\d\d nat below the baseline$/,
    );
    expect(r.fillMask.length).toBe(2);
    for (const f of r.fillMask) {
      expect(f.predictions.length).toBe(3);
      expect(f.predictions[0]!.score).toBeGreaterThanOrEqual(f.predictions[1]!.score);
    }
    expect(r.lines.join('\n')).toMatch(/fill-mask on held-out sentences/);
    const json = JSON.parse(readFileSync(join(OUT, 'learning_report.json'), 'utf8'));
    expect(json.unigramLoss).toBeCloseTo(r.unigramLoss!, 12);
    expect(json.maskedPositions).toBe(r.maskedPositions);
    expect(json.lines).toBeUndefined();
  });

  it('says so when there is no held-out data', async () => {
    const model = new BiGSForMaskedLM(
      createConfig({
        vocabSize: tok.vocabSize,
        hiddenSize: 16,
        numHiddenLayers: 1,
        intermediateSize: 32,
        numSsm: 4,
        maxPositionEmbeddings: 64,
        kernelLength: 'input',
      }),
      { seed: 3 },
    );
    const out = join(WORK, 'empty');
    const r = await learningReport({
      model,
      tokenizer: tok,
      evaluate: undefined,
      evalBatches: null,
      outDir: out,
    });
    model.dispose();
    expect(r.unigramLoss).toBeNull();
    expect(r.lines).toEqual([
      'learned context? no unigram comparison: needs held-out data and tokenized training shards',
    ]);
  });
});
