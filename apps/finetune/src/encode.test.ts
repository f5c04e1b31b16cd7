import { loadEmbeddedTokenizer } from '@bigs/data';
import { describe, expect, it } from 'vitest';
import { encodeExamples, makeBatch, permutation, ShuffledBatches } from './encode.js';

describe('pair encoding', async () => {
  const tok = await loadEmbeddedTokenizer();
  const ex = [{ id: '0', textA: 'the whale', textB: 'a ship', label: 1 }];

  it('standard: [CLS] A [SEP] B [SEP] with token types 0/1', () => {
    const [e] = encodeExamples(tok, ex, { maxSeqLength: 32, pairEncoding: 'standard' });
    expect(tok.convertIdsToTokens(e!.ids)).toEqual(['[CLS]', 'the', 'whale', '[SEP]', 'a', 'ship', '[SEP]']);
    expect(Array.from(e!.types)).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(e!.label).toBe(1);
  });

  it('single-segment: A + " [CLS], " + B, all token types 0', () => {
    const [e] = encodeExamples(tok, ex, { maxSeqLength: 32, pairEncoding: 'single-segment' });
    expect(tok.convertIdsToTokens(e!.ids)).toEqual([
      '[CLS]',
      'the',
      'whale',
      '[CLS]',
      ',',
      'a',
      'ship',
      '[SEP]',
    ]);
    expect(Array.from(e!.types)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('truncates to maxSeqLength; single sentences have no B', () => {
    const long = [{ id: '0', textA: 'the whale '.repeat(20), textB: 'a ship '.repeat(20), label: 0 }];
    expect(encodeExamples(tok, long, { maxSeqLength: 16, pairEncoding: 'standard' })[0]!.ids.length).toBe(16);
    const single = encodeExamples(tok, [{ id: '0', textA: 'the whale', textB: null, label: 0 }], {
      maxSeqLength: 8,
      pairEncoding: 'standard',
    })[0]!;
    expect(Array.from(single.types)).toEqual([0, 0, 0, 0]);
  });
});

describe('batches', () => {
  const rows = [
    { ids: Int32Array.from([2, 5, 3]), types: Int32Array.from([0, 0, 0]), label: 1 },
    { ids: Int32Array.from([2, 6, 7, 3]), types: Int32Array.from([0, 0, 1, 1]), label: 0 },
  ];

  it('pads to max length or to the longest row', () => {
    const b = makeBatch(rows, { length: 6, padId: 0, regression: false });
    expect(b.length).toBe(6);
    expect(Array.from(b.ids)).toEqual([2, 5, 3, 0, 0, 0, 2, 6, 7, 3, 0, 0]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(b.types)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(b.labels).toBeInstanceOf(Int32Array);
    expect(b.numTokens).toBe(7);
    const d = makeBatch(rows, { length: null, padId: 0, regression: true });
    expect(d.length).toBe(4);
    expect(d.labels).toBeInstanceOf(Float32Array);
    expect(
      makeBatch([{ ...rows[0]!, label: null }], { length: null, padId: 0, regression: false }).labels,
    ).toBeNull();
  });

  it('seeded shuffles: a permutation, reproducible, new per epoch; cursor restores the stream', async () => {
    const p = permutation(10, 7);
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(permutation(10, 7))).toEqual(Array.from(p));
    const many = Array.from({ length: 5 }, (_, i) => ({
      ids: Int32Array.from([i + 1]),
      types: new Int32Array(1),
      label: i,
    }));
    const src = new ShuffledBatches(many, 2, 42, { length: null, padId: 0, regression: false });
    expect(src.numBatches()).toBe(3);
    const e0: number[] = [];
    for (let b = await src.next(); b; b = await src.next()) e0.push(...Array.from(b.labels!));
    expect([...e0].sort()).toEqual([0, 1, 2, 3, 4]);
    src.startEpoch(1);
    const first = await src.next();
    const cursor = src.getCursor();
    const second = await src.next();
    const again = new ShuffledBatches(many, 2, 42, { length: null, padId: 0, regression: false });
    again.setCursor(cursor);
    expect(Array.from((await again.next())!.labels!)).toEqual(Array.from(second!.labels!));
    expect(first).not.toBeNull();
  });
});
