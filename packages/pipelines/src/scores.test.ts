import { describe, expect, it } from 'vitest';
import { sigmoid, softmax, topKIndices } from './scores.js';

describe('scores', () => {
  it('softmax sums to 1, is shift-invariant and reads a slice', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
    const shifted = softmax([1000, 1000 + Math.log(3)]);
    expect(shifted[0]).toBeCloseTo(0.25, 12);
    expect(shifted[1]).toBeCloseTo(0.75, 12);
    expect(Array.from(softmax([9, 9, 0, Math.log(3), 9], 2, 2))).toEqual(Array.from(p));
  });
  it('sigmoid', () => {
    expect(Array.from(sigmoid([0, 100, -100]))).toEqual([0.5, 1, 1 / (1 + Math.exp(100))]);
  });
  it('topKIndices: largest first, ties by lower index, k clamped', () => {
    expect(topKIndices([0.1, 0.7, 0.2], 2)).toEqual([1, 2]);
    expect(topKIndices([1, 3, 3, 2, 3], 3)).toEqual([1, 2, 4]);
    expect(topKIndices([5, 4], 9)).toEqual([0, 1]);
    expect(topKIndices([5, 4], 0)).toEqual([]);
    const xs = Array.from({ length: 200 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
    const sorted = xs.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(topKIndices(xs, 7)).toEqual(sorted.slice(0, 7).map((x) => x[1]));
  });
});
