import { createRng } from '@bigs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml, tinyModel, tinyTokenizer, useCpu } from '../test-helpers.js';
import { alignWords, poolWords } from './align.js';
import { parseConllu } from './conllu.js';
import { probingPlot } from './plots.js';
import { predictProbe, probeAccuracy, trainLinearProbe } from './probe.js';
import { probeModel } from './probing.js';

beforeAll(useCpu);

describe('alignWords / poolWords', () => {
  it('maps each word to its own sub-tokens, truncates whole words, pads', () => {
    const tok = tinyTokenizer();
    const a = alignWords(tok, ['The', 'dogs', 'zzz', 'sleeps'], { maxLength: 16, padTo: 10 });
    expect(a.tokens.slice(0, 7)).toEqual(['[CLS]', 'the', 'dog', '##s', '[UNK]', 'sleeps', '[SEP]']);
    expect(a.spans).toEqual([
      [1, 2],
      [2, 4],
      [4, 5],
      [5, 6],
    ]);
    expect(Array.from(a.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(a.inputIds.length).toBe(10);
    const t = alignWords(tok, ['the', 'dogs', 'sleeps'], { maxLength: 5 });
    expect(t.spans).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(t.truncatedWords).toBe(1);
    expect(() => alignWords(tok, ['a'], { maxLength: 2 })).toThrow(/maxLength must be an integer >= 3/);
    const h = Float32Array.from([0, 0, 1, 2, 3, 4, 5, 6]); // [4, 2]
    expect(Array.from(poolWords(h, 2, [[1, 3]], 'first'))).toEqual([1, 2]);
    expect(Array.from(poolWords(h, 2, [[1, 3]], 'mean'))).toEqual([2, 3]);
  });
});

describe('trainLinearProbe', () => {
  it('reaches high accuracy on a separable synthetic task, deterministically', () => {
    const rng = createRng(7);
    const D = 6;
    const C = 3;
    const n = 300;
    const centers = [
      [2, 0, 0, 0, 0, 0],
      [0, 2, 0, 0, 0, 0],
      [0, 0, 2, 0, 0, 0],
    ];
    const x = new Float32Array(n * D);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % C;
      for (let k = 0; k < D; k++) x[i * D + k] = centers[y[i]!]![k]! + 0.4 * rng.normal();
    }
    const p = trainLinearProbe(x.subarray(0, 240 * D), y.subarray(0, 240), D, C, { epochs: 20, seed: 1 });
    expect(probeAccuracy(predictProbe(p, x.subarray(240 * D)), y.subarray(240))).toBeGreaterThan(0.95);
    const q = trainLinearProbe(x.subarray(0, 240 * D), y.subarray(0, 240), D, C, { epochs: 20, seed: 1 });
    expect(Array.from(q.weights)).toEqual(Array.from(p.weights));
    expect(() => trainLinearProbe(x, y.subarray(0, 5), D, C)).toThrow(/y has 5 labels but x has 300 rows/);
    expect(() =>
      trainLinearProbe(
        x,
        Int32Array.from(y, () => 4),
        D,
        C,
      ),
    ).toThrow(/y\[0\] = 4 is outside \[0, 3\)/);
  });
});

function treebank(n: number): string {
  const rng = createRng(3);
  const dets = ['the', 'a'];
  const adjs = ['big', 'small', 'red', 'old', 'long'];
  const nouns = ['dog', 'cat', 'house', 'sailor', 'story', 'sea', 'storm', 'children'];
  const verbs = ['runs', 'sleeps', 'came', 'saw', 'told'];
  const pick = (a: string[]) => a[Math.floor(rng.uniform() * a.length)]!;
  const out: string[] = [];
  for (let s = 0; s < n; s++) {
    // DET ADJ NOUN VERB PUNCT: det→noun, adj→noun, noun→verb, verb root, punct→verb
    const w = [pick(dets), pick(adjs), pick(nouns), pick(verbs), '.'];
    const upos = ['DET', 'ADJ', 'NOUN', 'VERB', 'PUNCT'];
    const head = [3, 3, 4, 0, 4];
    out.push(`# sent_id = ${s + 1}`);
    for (let i = 0; i < w.length; i++)
      out.push(`${i + 1}\t${w[i]}\t${w[i]}\t${upos[i]}\t_\t_\t${head[i]}\tdep\t_\t_`);
    out.push('');
  }
  return out.join('\n');
}

describe('probeModel', () => {
  it('accuracy by layer: one result per task × hidden state, majority baseline, split by sentence', async () => {
    const model = tinyModel('bigs');
    const sents = parseConllu(treebank(30), 'synthetic.conllu');
    const r = await probeModel(model, tinyTokenizer(), sents, { probe: { epochs: 30 }, seed: 2 });
    expect(r.numSentences).toBe(30);
    expect(r.numDevSentences).toBe(6);
    expect(r.numWords).toBe(150);
    expect(r.sequenceLength).toBe('per-sentence');
    expect(r.tasks.map((t) => t.task)).toEqual(['upos', 'depth']);
    for (const t of r.tasks) {
      expect(t.layers.map((l) => l.layer)).toEqual([0, 1, 2]);
      expect(t.numTrain + t.numDev).toBe(150);
      expect(t.numDev).toBe(30);
    }
    expect(r.tasks[0]!.majority.devAccuracy).toBeCloseTo(0.2, 5); // 5 tags, one each per sentence
    expect(r.tasks[1]!.majority.devAccuracy).toBeCloseTo(0.4, 5); // depths 2, 2, 1, 0, 1
    // word identity determines UPOS here: the embeddings already separate it
    expect(r.tasks[0]!.layers[0]!.devAccuracy).toBeGreaterThan(0.9);
    expect(r.tasks[1]!.labels.slice(0, 3)).toEqual(['0', '1', '2']);
    parseXml(probingPlot(r));
    const sub = await probeModel(model, tinyTokenizer(), sents, {
      layers: [2],
      tasks: ['depth'],
      probe: { epochs: 2 },
    });
    expect(sub.tasks).toHaveLength(1);
    expect(sub.tasks[0]!.layers.map((l) => l.layer)).toEqual([2]);
    await expect(probeModel(model, tinyTokenizer(), sents, { layers: [3] })).rejects.toThrow(
      /hidden states are 0..2/,
    );
    model.dispose();
  });
});
