import { describe, expect, it } from 'vitest';
import { createRng, fmix32, mix32, mixPermutation, permutation, rngFromWords } from './rng.js';

// Pinned outputs of the generators as they were before they were merged into this module (the ssm-kernels
// `createRng`, the data pipeline's `new Rng(...words)`, gated-blocks' `mix32`). Exact resume of existing
// checkpoints and the order of existing datasets depend on these streams: they must never change.
describe('rng streams (pinned)', () => {
  it('createRng(seed) keeps the weight-initialisation stream', () => {
    const draw = (seed: number) => {
      const r = createRng(seed);
      return [r.nextUint32(), r.nextUint32(), r.uniform(), r.normal(), r.normal(), r.normal()];
    };
    expect(draw(0)).toEqual([
      3809008728, 1133695204, 0.012474989285692573, 0.8710524287857406, 0.18051268261686262,
      1.1418637479803593,
    ]);
    expect(draw(42)).toEqual([
      2837322924, 544945897, 0.11170196393504739, 0.5623422612020134, 0.30504784787178235, 2.6844637537546054,
    ]);
    expect(draw(-7)).toEqual([
      742993631, 2987776260, 0.8804889067541808, -0.7483481447030199, -0.3287115618952381,
      -0.17568587221664572,
    ]);
    expect(draw(2 ** 40 + 3)).toEqual([
      2848918883, 213444617, 0.23193366988562047, 0.3229652040798621, 1.6414376473377803, -1.0043506921338385,
    ]);
  });

  it('rngFromWords(...words) keeps the data-order and masking stream', () => {
    const d = rngFromWords(42, 0x7061636b, 3);
    expect([d.nextUint32(), d.nextUint32(), d.uniform(), d.int(10), d.intBetween(5, 9)]).toEqual([
      3077501093, 2077338260, 0.9369277709629387, 5, 9,
    ]);
    const empty = rngFromWords();
    expect([empty.nextUint32(), empty.nextUint32()]).toEqual([1292791899, 1284423797]);
    const folded = rngFromWords(7, 1.9, -1);
    expect([folded.nextUint32(), folded.nextUint32()]).toEqual([4150252589, 3478822893]);
    expect(Array.from(permutation(10, 42, 0))).toEqual([6, 3, 7, 4, 1, 9, 8, 0, 5, 2]);
  });

  it('fmix32 and mix32 keep their values', () => {
    expect([fmix32(0), fmix32(1), fmix32(0xdeadbeef)]).toEqual([0, 1364076727, 233162409]);
    expect([mix32(0, 0), mix32(42, 1), mix32(0xffffffff, 7)]).toEqual([3949215219, 2427797307, 1923029536]);
  });
});

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 8 }, () => a.uniform());
    expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(xs);
  });

  it('draws integers in range and shuffles into a permutation', () => {
    const r = rngFromWords(1);
    for (let i = 0; i < 200; i++) {
      const v = r.intBetween(3, 6);
      expect(v >= 3 && v <= 6 && Number.isInteger(v)).toBe(true);
    }
    const arr = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(r.shuffle(arr)).toBe(arr);
    expect([...arr].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects bad seeds and ranges, naming them', () => {
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => rngFromWords(Number.NaN)).toThrow(/seed words must be finite integers, got NaN/);
    expect(() => createRng(0).int(0)).toThrow(/n must be an integer in \[1, 2\^32\], got 0/);
  });
});

describe('mixPermutation (the finetuning shuffle stream)', () => {
  it('keeps the stream finetune resumes depend on (pinned from the previous apps/finetune implementation)', () => {
    expect(Array.from(mixPermutation(10, 7))).toEqual([4, 7, 0, 2, 8, 1, 9, 3, 6, 5]);
    expect(Array.from(mixPermutation(6, 0xdeadbeef))).toEqual([0, 5, 1, 2, 4, 3]);
  });
});
