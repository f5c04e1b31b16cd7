import { describe, expect, it } from 'vitest';
import { CELLS } from './cells.js';
import { markdownTable, type SeedResult, seedResult, spread } from './table.js';

const outcome = (loss: number) => ({
  train: [{ step: 1, loss: 9 }],
  evals: [
    { step: 1, loss: 9, accuracy: 0 },
    { step: 2, loss, accuracy: 0.25 },
  ],
  tokens: 4000,
  seconds: 2,
  parameters: 1_500_000,
  unigramLoss: 6,
});

describe('table', () => {
  it('spread is mean and sample sd, NaN sd for one value', () => {
    expect(spread([1, 3])).toEqual({ mean: 2, sd: Math.SQRT2, n: 2 });
    expect(spread([5]).sd).toBeNaN();
    expect(spread([Number.NaN]).n).toBe(0);
  });
  it('seedResult takes the last held-out evaluation and tokens/s', () => {
    const r = seedResult(42, outcome(6), {});
    expect(r.mlmLoss).toBe(6);
    expect(r.mlmAccuracy).toBe(0.25);
    expect(r.tokensPerSecond).toBe(2000);
    expect(r.vsUnigram).toBe(0);
    expect(seedResult(42, { ...outcome(6), unigramLoss: null }, {}).vsUnigram).toBeNaN();
  });
  it('markdownTable: one row per cell, mean ± sd across seeds, task metrics ×100, – when missing', () => {
    const seeds: SeedResult[] = [
      seedResult(42, outcome(6), { default: { task: 'spam', metrics: { accuracy: 0.9, f1: 0.8 } } }),
      seedResult(43, outcome(8), { default: { task: 'spam', metrics: { accuracy: 0.7, f1: 0.6 } } }),
    ];
    const md = markdownTable(
      [
        { cell: CELLS[0]!, seeds },
        { cell: CELLS[3]!, seeds: [] },
      ],
      ['default', 'rte'],
    );
    const lines = md.trim().split('\n');
    const columns = (line: string) => line.split(' | ').length;
    for (const l of lines.slice(2)) expect(columns(l)).toBe(columns(lines[0]!));
    expect(lines[0]).toContain('| MLM loss | vs unigram | MLM acc % |');
    expect(lines[0]).toContain('spam (default) accuracy/f1');
    expect(lines[0]).toContain('RTE accuracy');
    expect(lines[2]).toContain(
      'GATED + SSM (BiGS) | 1.500 M | 0.00 M | 7.000 ± 1.414 | +1.000 ± 1.414 | 25.0 ± 0.0',
    );
    expect(lines[2]).toContain('80.0 ± 14.1 / 70.0 ± 14.1 | –');
    expect(lines[3]).toMatch(/^\| STACK \+ attention \(BERT\) \| – \| – \| – \| – \| – \| – \|/);
  });
});
