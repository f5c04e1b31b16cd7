import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import '../index.js';
import { expectSame, type Input, rand, randSpecial, size } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

// [shape, axis]: all axes, one axis, adjacent axes, non-adjacent axes (transposed first), size-1
// dims between reduced axes, negative axes, rank 0..5, past the parallel threshold.
const CASES: Array<[number[], number | number[] | null]> = [
  [[], null],
  [[1], 0],
  [[5], 0],
  [[3, 4], 0],
  [[3, 4], 1],
  [
    [3, 4],
    [0, 1],
  ],
  [[2, 3, 4], 1],
  [
    [2, 3, 4],
    [0, 2],
  ],
  [
    [2, 1, 3],
    [0, 2],
  ],
  [
    [4, 5, 6, 7],
    [1, 3],
  ],
  [
    [4, 5, 6, 7],
    [-1, -2],
  ],
  [
    [2, 3, 1, 4, 5],
    [0, 3],
  ],
  [[3, 4], []],
  [[300, 517], 0],
  [[517, 300], 1],
  [[3, 60000], 1],
  [[130001], null],
];

type Reducer = (x: tf.Tensor, axis: number | number[] | null, keepDims: boolean) => tf.Tensor;
const OPS: Array<[string, Reducer, number]> = [
  ['sum', (x, a, k) => tf.sum(x, a ?? undefined, k), 1e-6],
  ['mean', (x, a, k) => tf.mean(x, a ?? undefined, k), 1e-5],
  ['max', (x, a, k) => tf.max(x, a ?? undefined, k), 0],
  ['min', (x, a, k) => tf.min(x, a ?? undefined, k), 0],
  ['prod', (x, a, k) => tf.prod(x, a ?? undefined, k), 1e-5],
];

describe('reduction kernels match cpu', () => {
  for (const [name, fn, rtol] of OPS) {
    it(`${name} over axes, keepDims both ways (rtol ${rtol})`, async () => {
      let seed = 3;
      for (const [shape, axis] of CASES) {
        // prod: values near 1 so long products stay finite
        const data =
          name === 'prod' ? rand(size(shape), seed++, 0.01).map((v) => 1 + v) : rand(size(shape), seed++, 2);
        for (const keep of [false, true]) {
          await expectSame(
            [{ shape, data }],
            (x) => fn(x, axis, keep),
            rtol,
            1e-3,
            `${name} [${shape}] ${axis} ${keep}`,
          );
        }
      }
    });
  }

  it('NaN/Inf inputs: max/min propagate NaN, sums follow IEEE', async () => {
    for (const [name, fn] of OPS) {
      for (const [shape, axis] of [
        [[40, 30], 1],
        [[40, 30], 0],
        [[1200], null],
      ] as Array<[number[], number | null]>) {
        await expectSame(
          [{ shape, data: randSpecial(size(shape), 9) }],
          (x) => fn(x, axis, false),
          1e-5,
          1e-3,
          name,
        );
      }
    }
  });

  it('a 1M-element sum matches cpu within 1e-5 relative', async () => {
    const data = rand(1 << 20, 77).map((v) => v + 0.25);
    await expectSame([{ shape: [1 << 20], data }], (x) => tf.sum(x), 1e-5, 1e-3, 'sum 1M');
    await expectSame([{ shape: [1 << 20], data }], (x) => tf.mean(x), 1e-5, 1e-3, 'mean 1M');
  });

  it('argMax (ties → first, NaN never wins)', async () => {
    const tie: Input = { shape: [2, 4], data: [1, 3, 3, 0, Number.NaN, 2, 5, 5] };
    await expectSame([tie], (x) => tf.argMax(x, 1));
    await expectSame([tie], (x) => tf.argMax(x, 0));
    for (const [shape, axis] of [
      [[7], 0],
      [[5, 6, 7], 1],
      [[5, 6, 7], 2],
      [[5, 6, 7], -3],
      [[300, 400], 1],
    ] as Array<[number[], number]>) {
      await expectSame(
        [{ shape, data: rand(size(shape), 5) }],
        (x) => tf.argMax(x, axis),
        0,
        1,
        `argMax [${shape}] ${axis}`,
      );
    }
  });

  it('empty tensors and int32 fall back to the cpu kernels', async () => {
    await expectSame([{ shape: [0, 3], data: [] }], (x) => tf.sum(x, 0));
    await expectSame([{ shape: [0, 3], data: [] }], (x) => tf.max(x, 1));
    const ix: Input = { shape: [3, 4], dtype: 'int32', data: Array.from(rand(12, 4, 9), Math.round) };
    for (const [name, fn] of OPS) await expectSame([ix], (x) => fn(x, 1, false), 0, 1, `int32 ${name}`);
    await expectSame([ix], (x) => tf.argMax(x, 1));
  });
});
