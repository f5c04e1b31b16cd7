import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accuracy,
  averageRanks,
  f1Score,
  glueMetrics,
  matthewsCorrelation,
  pearson,
  spearman,
} from './glue.js';
import { MlmEvalAccumulator, maskedLmStats, perplexity } from './mlm.js';

describe('GLUE metrics (hand-computed values)', () => {
  const pred = [1, 1, 1, 0, 0, 1, 0, 1];
  const gold = [1, 0, 1, 0, 1, 1, 0, 0];
  // TP = 3 (idx 0, 2, 5), FP = 2 (1, 7), FN = 1 (4), TN = 2 (3, 6)

  it('accuracy and F1', () => {
    expect(accuracy(pred, gold)).toBe(5 / 8);
    expect(f1Score(pred, gold)).toBe(6 / 9); // 2·3 / (2·3 + 2 + 1)
    expect(f1Score([0, 0], [0, 0])).toBe(0);
    expect(() => accuracy([1], [1, 0])).toThrow(/1 entries but labels have 2/);
  });

  it('Matthews correlation: binary formula, degenerate cases, multiclass', () => {
    // (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (6 − 2) / √(5·4·4·3) = 4 / √240
    expect(matthewsCorrelation(pred, gold)).toBeCloseTo(4 / Math.sqrt(240), 12);
    expect(matthewsCorrelation([1, 1, 1], [0, 1, 0])).toBe(0); // constant prediction
    expect(matthewsCorrelation(gold, gold)).toBeCloseTo(1, 12);
    // 3 classes, hand-computed: C = [[1,1,0],[0,1,0],[0,0,1]] (rows true), c=3, s=4, t=[2,1,1], p=[1,2,1]
    // (3·4 − (1·2 + 2·1 + 1·1)) / √((16 − 6)(16 − 6)) = 7/10
    expect(matthewsCorrelation([0, 1, 1, 2], [0, 0, 1, 2])).toBeCloseTo(0.7, 12);
  });

  it('Pearson and Spearman (ties get average ranks)', () => {
    // x = [1,2,3], y = [2,4,7]: dx = [-1,0,1], dy = [-7/3,-1/3,8/3] → 5 / √(2 · 114/9)
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3, 2])).toEqual([4, 1, 4, 4, 2]);
    // ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]: Pearson = 4.5 / √(4.5 · 5)
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('maps tasks to their metrics', () => {
    expect(Object.keys(glueMetrics('cola', pred, gold))).toEqual(['matthews_correlation']);
    expect(glueMetrics('mrpc', pred, gold)).toEqual({ accuracy: 5 / 8, f1: 6 / 9 });
    expect(Object.keys(glueMetrics('stsb', [1, 2, 3], [1, 3, 2]))).toEqual(['pearson', 'spearmanr']);
    expect(glueMetrics('rte', [1], [1])).toEqual({ accuracy: 1 });
  });
});

describe('MLM metrics', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('sums cross-entropy and hits over weighted positions; perplexity = exp(mean loss)', async () => {
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 1, 0],
      [0, 0, 5],
    ]); // [3, 3]
    const labels = tf.tensor1d([0, 2, -1], 'int32'); // last position unpredicted (label −1)
    const weights = tf.tensor1d([1, 1, 0]);
    const before = tf.memory().numTensors;
    const s = await maskedLmStats(logits, labels, weights);
    expect(tf.memory().numTensors).toBe(before);
    const lse = (a: number[]) => Math.log(a.reduce((x, y) => x + Math.exp(y), 0));
    expect(s.lossSum).toBeCloseTo(lse([2, 0, 0]) - 2 + lse([0, 1, 0]) - 0, 5);
    expect(s.correct).toBe(1);
    expect(s.count).toBe(2);
    const acc = new MlmEvalAccumulator();
    acc.add(s);
    acc.add({ lossSum: 1, correct: 2, count: 2 });
    const r = acc.result();
    expect(r.loss).toBeCloseTo((s.lossSum + 1) / 4, 6);
    expect(r.accuracy).toBe(3 / 4);
    expect(r.perplexity).toBeCloseTo(perplexity(r.loss), 12);
    tf.dispose([logits, labels, weights]);
  });
});
