import { describe, expect, it } from 'vitest';
import { majorityBaseline, splitMetrics, taskBestTracker, taskScore } from './metrics.js';

describe('GLUE metrics per task (hand-computed)', () => {
  it('MRPC / QQP: accuracy and F1 of the positive class 1', () => {
    // TP = 2, FP = 1, FN = 1, TN = 1 → acc 3/5, F1 = 2·2 / (2·2 + 1 + 1) = 2/3
    const m = splitMetrics('mrpc', [1, 0, 1, 1, 0], [1, 0, 0, 1, 1]);
    expect(m.accuracy).toBeCloseTo(0.6, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(Object.keys(splitMetrics('qqp', [1], [1]))).toEqual(['accuracy', 'f1']);
  });

  it('CoLA: Matthews correlation', () => {
    // TP 1, FP 1, TN 2, FN 0 → (1·2 − 1·0) / √(2·1·3·2) = 2/√12
    const m = splitMetrics('cola', [1, 1, 0, 0], [1, 0, 0, 0]);
    expect(Object.keys(m)).toEqual(['matthews_correlation']);
    expect(m.matthews_correlation).toBeCloseTo(2 / Math.sqrt(12), 12);
  });

  it('STS-B: Pearson and Spearman on the raw scores', () => {
    const m = splitMetrics('stsb', [1, 2, 3, 4], [1, 3, 2, 4]);
    expect(m.pearson).toBeCloseTo(0.8, 12); // sxy 4, sxx = syy = 5
    expect(m.spearmanr).toBeCloseTo(0.8, 12);
    const s = splitMetrics('stsb', [0.1, 0.2, 5, 7], [1, 3, 2, 4]); // ranks 1,2,3,4 vs 1,3,2,4
    expect(s.spearmanr).toBeCloseTo(0.8, 12);
  });

  it('MNLI mismatched gets the _mm suffix; other tasks report accuracy', () => {
    expect(splitMetrics('mnli', [0, 1, 2], [0, 1, 1], '_mm')).toEqual({ accuracy_mm: 2 / 3 });
    expect(splitMetrics('rte', [0, 1], [0, 0])).toEqual({ accuracy: 0.5 });
    expect(splitMetrics('sst2', [1], [1])).toEqual({ accuracy: 1 });
  });

  it('task score = mean of the metrics (loss excluded, NaN as 0); best-of-run keeps the first maximum', () => {
    expect(taskScore({ f1: 0.9, accuracy: 0.8, loss: 3 })).toBeCloseTo(0.85, 12);
    expect(taskScore({ accuracy: 0.8, accuracy_mm: 0.6, loss: 1, loss_mm: 2 })).toBeCloseTo(0.7, 12);
    expect(taskScore({ pearson: Number.NaN, spearmanr: 0.5 })).toBeCloseTo(0.25, 12);
    const t = taskBestTracker();
    expect(t.add({ step: 1, epoch: 0.5, metrics: { accuracy: 0.5 } })).toBe(true);
    expect(t.add({ step: 2, epoch: 1, metrics: { accuracy: 0.7 } })).toBe(true);
    expect(t.add({ step: 3, epoch: 1.5, metrics: { accuracy: 0.7 } })).toBe(false);
    expect(t.add({ step: 4, epoch: 2, metrics: { accuracy: 0.6 } })).toBe(false);
    expect(t.best?.step).toBe(2);
    expect(t.last?.step).toBe(4);
    expect(t.history).toHaveLength(4);
  });

  it('majority baseline: the most frequent training label (lowest id on ties), scored with the task metrics', () => {
    const b = majorityBaseline('embedded', [0, 1, 0, 0, 1], [{ suffix: '', labels: [0, 0, 0, 1] }]);
    expect(b).toEqual({ label: 0, metrics: { accuracy: 0.75, f1: 0 } });
    expect(majorityBaseline('rte', [1, 0], [{ suffix: '', labels: [1, 1, 0] }])?.label).toBe(0);
    const m = majorityBaseline(
      'mnli',
      [2, 2, 1],
      [
        { suffix: '', labels: [2, 0] },
        { suffix: '_mm', labels: [1, 1, 2, 2] },
      ],
    );
    expect(m).toEqual({ label: 2, metrics: { accuracy: 0.5, accuracy_mm: 0.5 } });
    expect(
      majorityBaseline('cola', [1, 1], [{ suffix: '', labels: [1, 0] }])?.metrics.matthews_correlation,
    ).toBe(0);
    expect(majorityBaseline('stsb', [1.5, 2], [{ suffix: '', labels: [3] }])).toBeNull();
  });
});
