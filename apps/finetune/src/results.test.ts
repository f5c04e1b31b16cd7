import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glueAverage, glueTable, submissionText, writeEvalResults } from './results.js';
import { taskSpec } from './tasks.js';

const sub = (task: Parameters<typeof taskSpec>[0], preds: number[]) => {
  const s = taskSpec(task);
  return submissionText(
    preds.map((_, i) => String(i)),
    preds,
    { labelNames: s.labelNames, names: s.submissionNames },
  );
};

describe('GLUE submission files', () => {
  it('names for MNLI / QNLI / RTE, 0/1 for CoLA, SST-2, MRPC, QQP, WNLI', () => {
    expect(sub('mnli', [2, 0, 1])).toBe('index\tprediction\n0\tcontradiction\n1\tentailment\n2\tneutral\n');
    expect(sub('rte', [1, 0])).toBe('index\tprediction\n0\tnot_entailment\n1\tentailment\n');
    expect(sub('qnli', [0])).toBe('index\tprediction\n0\tentailment\n');
    for (const t of ['cola', 'sst2', 'mrpc', 'qqp', 'wnli'] as const) {
      expect(sub(t, [1, 0])).toBe('index\tprediction\n0\t1\n1\t0\n');
    }
  });

  it('STS-B scores are clipped to [0, 5]', () => {
    expect(sub('stsb', [-0.3, 2.123456789, 7])).toBe('index\tprediction\n0\t0\n1\t2.12346\n2\t5\n');
  });

  it('file names follow GLUE', () => {
    expect(taskSpec('mnli').testSplits.map((t) => t.file)).toEqual(['MNLI-m.tsv', 'MNLI-mm.tsv']);
    expect(taskSpec('sst2').testSplits[0]?.file).toBe('SST-2.tsv');
    expect(taskSpec('stsb').testSplits[0]?.file).toBe('STS-B.tsv');
    expect(taskSpec('cola').testSplits[0]?.file).toBe('CoLA.tsv');
  });

  it('rejects mismatched ids and predictions', () => {
    expect(() => submissionText(['0'], [1, 2], { labelNames: null, names: false })).toThrow(/1 ids but 2/);
  });
});

describe('GLUE table', () => {
  it('lays out the official columns, percentages, and the GLUE average', () => {
    const r = {
      cola: { matthews_correlation: 0.679 },
      mnli: { accuracy: 0.865, accuracy_mm: 0.855 },
      mrpc: { f1: 0.883, accuracy: 0.833 },
      stsb: { pearson: 0.899, spearmanr: 0.897 },
    };
    const avg = (0.679 + 0.86 + 0.858 + 0.898) / 4;
    expect(glueAverage(r)).toBeCloseTo(avg, 12);
    const t = glueTable(r);
    const lines = t.trim().split('\n');
    expect(lines[0]).toBe(
      '| CoLA (MCC) | SST-2 | QQP acc/F1 | MNLI m/mm | QNLI | MRPC F1/acc | STS-B P/S | RTE | WNLI | Avg |',
    );
    expect(lines[1]).toBe('|---|---|---|---|---|---|---|---|---|---|');
    expect(lines[2]).toBe(
      `| 67.9 | – | – | 86.5/85.5 | – | 88.3/83.3 | 89.9/89.7 | – | – | ${(100 * avg).toFixed(1)} |`,
    );
    expect(glueAverage({})).toBeNull();
    expect(glueTable({ stsb: { pearson: Number.NaN, spearmanr: 0.5 } })).toContain('| n/a/50.0 |');
  });
});

describe('eval_results.json', () => {
  it('is written atomically with best and final under HF names (NaN → null)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigs-evalres-'));
    const path = await writeEvalResults(dir, {
      task: 'stsb',
      model_name_or_path: 'm',
      metric_for_best: 'combined_score',
      best: { step: 2, epoch: 1, pearson: 0.5, spearmanr: Number.NaN },
      final: { step: 4, epoch: 2, pearson: 0.4, spearmanr: 0.3 },
      train: { steps: 4 },
    });
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.best).toEqual({ step: 2, epoch: 1, pearson: 0.5, spearmanr: null });
    expect(json.final.step).toBe(4);
  });
});
