import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import '../index.js';
import { expectSame, type Input, rand, randSpecial, size } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

function perms(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of perms(n - 1))
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

describe('Transpose matches cpu exactly', () => {
  it('every permutation of ranks 1..4 (with size-1 and odd dims)', async () => {
    let seed = 1;
    for (const shape of [
      [5],
      [3, 4],
      [9, 17],
      [3, 4, 5],
      [2, 1, 3],
      [1, 9, 11],
      [2, 3, 4, 5],
      [3, 1, 10, 9],
    ]) {
      const x: Input = { shape, data: randSpecial(size(shape), seed++) };
      for (const p of perms(shape.length))
        await expectSame([x], (t) => tf.transpose(t, p), 0, 1, `[${shape}] ${p}`);
    }
  });

  it('ranks 0, 5, 6; 0-size; sizes past the parallel threshold and AVX tile edges', async () => {
    const cases: Array<[number[], number[]]> = [
      [[], []],
      [
        [0, 3],
        [1, 0],
      ],
      [
        [2, 0, 3],
        [2, 0, 1],
      ],
      [
        [2, 3, 2, 3, 2],
        [4, 2, 0, 3, 1],
      ],
      [
        [2, 2, 3, 1, 2, 3],
        [5, 0, 4, 1, 3, 2],
      ],
      [
        [4, 130, 257],
        [0, 2, 1],
      ],
      [
        [257, 300],
        [1, 0],
      ],
      [
        [16, 8, 8, 24],
        [0, 2, 1, 3],
      ],
      [
        [3, 33, 17, 8],
        [3, 1, 2, 0],
      ],
      [
        [24, 40, 64],
        [2, 0, 1],
      ],
    ];
    let seed = 50;
    for (const [shape, p] of cases) {
      await expectSame(
        [{ shape, data: rand(size(shape), seed++) }],
        (t) => tf.transpose(t, p),
        0,
        1,
        `[${shape}] ${p}`,
      );
    }
  });

  it('int32 and bool fall back', async () => {
    await expectSame([{ shape: [2, 3], dtype: 'int32', data: [1, 2, 3, 4, 5, 6] }], (t) => tf.transpose(t));
    await expectSame([{ shape: [2, 3], dtype: 'bool', data: [1, 0, 0, 1, 1, 0] }], (t) => tf.transpose(t));
  });
});
