import { ForwardContext, geluErf, geluTanh } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ids2d, maxAbsDiff, randomize, useBackend } from '../../test/helpers.js';
import { createConfig, TINY } from '../config/config.js';
import { BiGSModel } from './bigs-model.js';
import {
  BiGSForMaskedLM,
  BiGSForMultipleChoice,
  BiGSForQuestionAnswering,
  BiGSForSequenceClassification,
  BiGSForTokenClassification,
  createModel,
} from './head-models.js';
import { crossEntropyIgnore } from './losses.js';

const tiny = (o = {}) => createConfig({ ...TINY, ...o });
const IDS = [
  [2, 7, 9, 11, 3, 0],
  [2, 5, 3, 0, 0, 0],
];
const MASK = [
  [1, 1, 1, 1, 1, 0],
  [1, 1, 1, 0, 0, 0],
];

/** Reference CE on host: mean over labelled rows. */
function hostCE(logits: Float32Array, v: number, labels: number[]): number {
  let sum = 0;
  let n = 0;
  labels.forEach((y, r) => {
    if (y < 0) return;
    const row = logits.subarray(r * v, (r + 1) * v);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
    sum += lse - row[y]!;
    n++;
  });
  return sum / n;
}

describe('models on cpu', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('base model: last hidden state, hidden states (embeddings + one per layer), no pooler', () => {
    const m = new BiGSModel(tiny());
    const out = m.forward({ inputIds: ids2d(IDS) }, { outputHiddenStates: true });
    expect(out.lastHiddenState.shape).toEqual([2, 6, 8]);
    expect(out.hiddenStates?.length).toBe(3);
    expect(out.hiddenStates?.[2]).toBe(out.lastHiddenState);
    expect(out.poolerOutput).toBeUndefined();
    m.dispose();
  });

  it('MLM: logits [B, L, V]; loss = CE only at labelled positions; gathered rows give the same logits', () => {
    const m = new BiGSForMaskedLM(tiny());
    randomize(m);
    const labels = [
      [-100, 4, -100, -100, 8, -100],
      [-1, -100, 13, -100, -100, -100],
    ];
    const out = m.forward({ inputIds: ids2d(IDS), labels: ids2d(labels) });
    expect(out.logits.shape).toEqual([2, 6, 50]);
    const want = hostCE(out.logits.dataSync() as Float32Array, 50, labels.flat());
    expect(out.loss!.dataSync()[0]).toBeCloseTo(want, 4);
    // masked positions: only rows (0,1), (0,4), (1,2) (+ a padding slot) go through the decoder
    const g = m.forward({
      inputIds: ids2d(IDS),
      maskedPositions: ids2d([
        [1, 4],
        [2, 0],
      ]),
      maskedLabels: ids2d([
        [4, 8],
        [13, -1],
      ]),
    });
    expect(g.logits.shape).toEqual([2, 2, 50]);
    const full = out.logits.arraySync() as number[][][];
    const part = g.logits.arraySync() as number[][][];
    expect(Math.max(...full[0]![4]!.map((x, i) => Math.abs(x - part[0]![1]![i]!)))).toBeLessThan(1e-5);
    expect(Math.max(...full[1]![2]!.map((x, i) => Math.abs(x - part[1]![0]![i]!)))).toBeLessThan(1e-5);
    expect(g.loss!.dataSync()[0]).toBeCloseTo(want, 4);
    m.dispose();
  });

  it('MLM decoder is tied: logits = transform(h)·Eᵀ + bias', () => {
    const m = new BiGSForMaskedLM(tiny());
    randomize(m);
    const out = m.forward({ inputIds: ids2d(IDS) });
    const h = tf.reshape(out.lastHiddenState, [12, 8]) as tf.Tensor2D;
    const z = m.cls.transform(h);
    const want = tf.add(tf.matMul(z, m.bigs.embeddings.wordEmbeddings.weight, false, true), m.cls.bias);
    expect(maxAbsDiff(tf.reshape(out.logits, [12, 50]), want)).toBeLessThan(1e-4);
    expect(m.namedParameters().some(([n]) => n.includes('decoder'))).toBe(false);
    const untied = new BiGSForMaskedLM(tiny({ tieWordEmbeddings: false }));
    expect(untied.parameterMap().get('cls.predictions.decoder.kernel')?.variable.shape).toEqual([8, 50]);
    untied.dispose();
    m.dispose();
  });

  it('docs/guide/architecture.md#mlm-head, docs/guide/architecture.md#bigs-block, docs/guide/architecture.md#ssm-parameters: erf GELU in the MLM head with tanh blocks; no final LayerNorm; weight-decay metadata', () => {
    const m = new BiGSForMaskedLM(tiny({ semantics: 'flax', kernelLength: 'input' }));
    randomize(m);
    expect(m.config.blockGelu).toBe('tanh');
    const out = m.forward({ inputIds: ids2d(IDS) }, { outputHiddenStates: true });
    // No final LayerNorm: the last hidden state is exactly the last block's output.
    const blocks = m.bigs.encoder.layer.items;
    const last = blocks.at(-1)!.forward(out.hiddenStates![blocks.length - 1]!, null, ForwardContext.eval());
    expect(maxAbsDiff(last, out.lastHiddenState)).toBe(0);
    // The head transform is dense → erf GELU → LayerNorm (not tanh).
    const h = tf.reshape(out.lastHiddenState, [12, 8]) as tf.Tensor2D;
    const pre = m.cls.transformDense.forward(h);
    const want = m.cls.transformNorm.forward(geluErf(pre));
    const tanhVersion = m.cls.transformNorm.forward(geluTanh(pre));
    expect(maxAbsDiff(m.cls.transform(h), want)).toBe(0);
    expect(maxAbsDiff(want, tanhVersion)).toBeGreaterThan(0);
    // Weight decay as in the official optimizer mask: everything except biases and LayerNorm scales.
    for (const [name, p] of m.namedParameters()) {
      const decay = !(name.endsWith('.bias') || /LayerNorm\.weight$/.test(name));
      expect(p.meta.weightDecay, name).toBe(decay);
    }
    m.dispose();
  });

  it('sequence classification: pooler = masked mean over real tokens → dense → tanh; CE / MSE losses', () => {
    const m = new BiGSForSequenceClassification(tiny({ numLabels: 3 }));
    randomize(m);
    const out = m.forward({
      inputIds: ids2d(IDS),
      attentionMask: ids2d(MASK),
      labels: tf.tensor1d([2, 0], 'int32'),
    });
    expect(out.logits.shape).toEqual([2, 3]);
    expect(out.poolerOutput!.shape).toEqual([2, 8]);
    // pooler by hand
    const h = out.lastHiddenState.arraySync() as number[][][];
    const mean = MASK.map((row, b) => {
      const n = row.reduce((a, x) => a + x, 0);
      return Array.from({ length: 8 }, (_, k) => row.reduce((a, x, t) => a + x * h[b]![t]![k]!, 0) / n);
    });
    const pooled = tf.tanh(m.bigs.pooler!.dense.forward(tf.tensor2d(mean)));
    expect(maxAbsDiff(pooled, out.poolerOutput!)).toBeLessThan(1e-5);
    const want = hostCE(out.logits.dataSync() as Float32Array, 3, [2, 0]);
    expect(out.loss!.dataSync()[0]).toBeCloseTo(want, 5);
    m.dispose();

    const r = new BiGSForSequenceClassification(tiny({ numLabels: 1 }));
    const ro = r.forward({
      inputIds: ids2d(IDS),
      attentionMask: ids2d(MASK),
      labels: tf.tensor1d([0.5, -1]),
    });
    const l = ro.logits.dataSync();
    expect(ro.loss!.dataSync()[0]).toBeCloseTo(((l[0]! - 0.5) ** 2 + (l[1]! + 1) ** 2) / 2, 5);
    r.dispose();
  });

  it('pooler types: mean over all positions and first token', () => {
    const m = new BiGSForSequenceClassification(tiny({ poolerType: 'mean' }));
    const out = m.forward({ inputIds: ids2d(IDS), attentionMask: ids2d(MASK) });
    expect(maxAbsDiff(m.bigs.pooler!.pool(out.lastHiddenState, null), tf.mean(out.lastHiddenState, 1))).toBe(
      0,
    );
    m.dispose();
  });

  it('token classification, QA (HF clamp/ignore), multiple choice: shapes and losses', () => {
    const tc = new BiGSForTokenClassification(tiny({ numLabels: 5 }));
    const labels = [
      [-100, 1, 2, 3, 4, -100],
      [0, 1, -100, -100, -100, -100],
    ];
    const o1 = tc.forward({ inputIds: ids2d(IDS), labels: ids2d(labels) });
    expect(o1.logits.shape).toEqual([2, 6, 5]);
    expect(o1.loss!.dataSync()[0]).toBeCloseTo(
      hostCE(o1.logits.dataSync() as Float32Array, 5, labels.flat()),
      5,
    );
    tc.dispose();

    const qa = new BiGSForQuestionAnswering(tiny());
    randomize(qa);
    const o2 = qa.forward({
      inputIds: ids2d(IDS),
      startPositions: tf.tensor1d([1, 99], 'int32'), // 99 → clamped to L = 6 → ignored
      endPositions: tf.tensor1d([3, 2], 'int32'),
    });
    expect(o2.startLogits.shape).toEqual([2, 6]);
    const s = hostCE(o2.startLogits.dataSync() as Float32Array, 6, [1, -1]);
    const e = hostCE(o2.endLogits.dataSync() as Float32Array, 6, [3, 2]);
    expect(o2.loss!.dataSync()[0]).toBeCloseTo((s + e) / 2, 5);
    expect(() => new BiGSForQuestionAnswering(tiny({ numLabels: 3 }))).toThrow(/'num_labels' must be 2/);
    qa.dispose();

    const mc = new BiGSForMultipleChoice(tiny());
    const ids3 = tf.tensor3d([IDS, IDS.slice().reverse()], undefined, 'int32'); // [2, 2, 6]
    const o3 = mc.forward({
      inputIds: ids3,
      attentionMask: tf.tensor3d([MASK, MASK.slice().reverse()]),
      labels: tf.tensor1d([1, 0], 'int32'),
    });
    expect(o3.logits.shape).toEqual([2, 2]);
    expect(o3.poolerOutput!.shape).toEqual([4, 8]);
    expect(o3.loss!.dataSync()[0]).toBeCloseTo(hostCE(o3.logits.dataSync() as Float32Array, 2, [1, 0]), 5);
    mc.dispose();
  });

  it('crossEntropyIgnore returns 0 when nothing is labelled', () => {
    expect(crossEntropyIgnore(tf.zeros([2, 3]), tf.tensor1d([-100, -1], 'int32')).dataSync()[0]).toBeCloseTo(
      0,
      10,
    );
  });

  it('length semantics: Flax (max_position) needs L = P; PyTorch port (input) any L ≤ P', () => {
    const flax = new BiGSModel(tiny({ semantics: 'flax' }));
    expect(flax.config.kernelLength).toBe('max_position');
    expect(() => flax.forward({ inputIds: ids2d(IDS) })).toThrow(
      /exactly max_position_embeddings = 16.*got 6/,
    );
    const full = flax.forward({ inputIds: tf.zeros([1, 16], 'int32') as tf.Tensor2D });
    expect(full.lastHiddenState.shape).toEqual([1, 16, 8]);
    flax.dispose();
    const pt = new BiGSModel(tiny({ semantics: 'pytorch' }));
    for (const l of [1, 5, 16]) {
      expect(
        pt.forward({ inputIds: tf.zeros([1, l], 'int32') as tf.Tensor2D }).lastHiddenState.shape,
      ).toEqual([1, l, 8]);
    }
    expect(() => pt.forward({ inputIds: tf.zeros([1, 17], 'int32') as tf.Tensor2D })).toThrow(
      /in \[1, 16\].*got 17/,
    );
    pt.dispose();
  });

  it('padding (docs/guide/architecture.md#length-and-padding): bissm outputs at real tokens change with trailing pads; the pooler ignores pads', () => {
    const m = new BiGSForSequenceClassification(tiny());
    randomize(m);
    const a = m.forward({ inputIds: ids2d([[2, 7, 9, 3]]), attentionMask: ids2d([[1, 1, 1, 1]]) });
    const b = m.forward({
      inputIds: ids2d([[2, 7, 9, 3, 0, 0]]),
      attentionMask: ids2d([[1, 1, 1, 1, 0, 0]]),
    });
    const real = tf.slice(b.lastHiddenState, [0, 0, 0], [1, 4, 8]);
    expect(maxAbsDiff(a.lastHiddenState, real)).toBeGreaterThan(1e-4); // the backward SSM sees the pads
    // pooler: same hidden states, pads with junk values → same pooled output
    const h = b.lastHiddenState;
    const junk = tf.concat([real, tf.fill([1, 2, 8], 1e3)], 1) as tf.Tensor3D;
    expect(
      maxAbsDiff(
        m.bigs.pooler!.forward(h, ids2d([[1, 1, 1, 1, 0, 0]])),
        m.bigs.pooler!.forward(junk, ids2d([[1, 1, 1, 1, 0, 0]])),
      ),
    ).toBeLessThan(1e-6);
    // attention routing (BERT baseline) reads the mask: outputs at real tokens do not depend on pads
    const bert = createModel(
      tiny({ blockArchitecture: 'stack', routing: 'attention', preNorm: false }),
      'base',
    ) as BiGSModel;
    randomize(bert);
    const x = bert.forward({ inputIds: ids2d([[2, 7, 9, 3]]), attentionMask: ids2d([[1, 1, 1, 1]]) });
    const y = bert.forward({
      inputIds: ids2d([[2, 7, 9, 3, 0, 0]]),
      attentionMask: ids2d([[1, 1, 1, 1, 0, 0]]),
    });
    expect(maxAbsDiff(x.lastHiddenState, tf.slice(y.lastHiddenState, [0, 0, 0], [1, 4, 8]))).toBeLessThan(
      1e-5,
    );
    bert.dispose();
    m.dispose();
  });

  it('init statistics: embeddings and block denses ~ normal(0, 0.02); head denses lecun_normal; biases 0', () => {
    const m = new BiGSForSequenceClassification(
      createConfig({ ...TINY, vocabSize: 2000, hiddenSize: 64, intermediateSize: 128, numAttentionHeads: 4 }),
    );
    const std = (name: string) => {
      const v = m.parameterMap().get(name)!.variable.dataSync() as Float32Array;
      const mean = v.reduce((a, x) => a + x, 0) / v.length;
      return [mean, Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length)];
    };
    const [m1, s1] = std('bigs.embeddings.word_embeddings.weight');
    expect(Math.abs(m1!)).toBeLessThan(0.001);
    expect(s1).toBeGreaterThan(0.019);
    expect(s1).toBeLessThan(0.021);
    expect(std('bigs.encoder.layer.0.dv.kernel')[1]).toBeCloseTo(0.02, 2);
    expect(std('bigs.pooler.dense.kernel')[1]).toBeCloseTo(0.02, 2);
    expect(std('classifier.kernel')[1]).toBeGreaterThan(0.08); // lecun: ≈ 1/√64 = 0.125 (2 outputs: loose)
    expect(std('bigs.encoder.layer.0.dv.bias')).toEqual([0, 0]);
    m.dispose();
    const mlm = new BiGSForMaskedLM(createConfig({ ...TINY, hiddenSize: 256, intermediateSize: 16 }));
    const k = mlm
      .parameterMap()
      .get('cls.predictions.transform.dense.kernel')!
      .variable.dataSync() as Float32Array;
    const s = Math.sqrt(k.reduce((a, x) => a + x * x, 0) / k.length);
    expect(s).toBeGreaterThan(0.058); // 1/√256 = 0.0625
    expect(s).toBeLessThan(0.067);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual((2 * 0.0625) / 0.8796 + 1e-6); // truncated at 2σ
    mlm.dispose();
  });

  it('dropout only in training; no tensor leak over repeated forward/backward', () => {
    const m = new BiGSForSequenceClassification(tiny({ hiddenDropoutProb: 0.3 }));
    const inputs = { inputIds: ids2d(IDS), attentionMask: ids2d(MASK), labels: tf.tensor1d([1, 0], 'int32') };
    const e1 = m.forward(inputs).logits.dataSync();
    const e2 = m.forward(inputs).logits.dataSync();
    expect(Array.from(e1)).toEqual(Array.from(e2));
    const t1 = m.forward(inputs, { ctx: ForwardContext.train(1) }).logits.dataSync();
    expect(Array.from(t1)).not.toEqual(Array.from(e1));
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => m.forward(inputs, { ctx: ForwardContext.train(2) }).loss!,
        m.variables(),
      );
      tf.dispose([value, grads]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    const mlm = new BiGSForMaskedLM(tiny());
    const mlmStep = () => {
      const { value, grads } = tf.variableGrads(
        () =>
          mlm.forward({
            inputIds: ids2d(IDS),
            maskedPositions: ids2d([[1], [2]]),
            maskedLabels: ids2d([[3], [4]]),
          }).loss!,
        mlm.variables(),
      );
      const g = grads['bigs.embeddings.word_embeddings.weight'] ?? Object.values(grads)[0];
      expect(g).toBeDefined();
      tf.dispose([value, grads]);
    };
    mlmStep();
    const b2 = tf.memory().numTensors;
    mlmStep();
    expect(tf.memory().numTensors).toBe(b2);
    m.dispose();
    mlm.dispose();
  });
});
