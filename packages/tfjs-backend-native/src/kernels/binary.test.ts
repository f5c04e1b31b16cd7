import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '../index.js';
import { expectSame, type Input, rand, randSpecial, size } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

// [a shape, b shape]: same shape, scalars, row/column vectors, general broadcasting, rank 0..6,
// 0-size, odd sizes, and sizes past the addon's parallel threshold.
const SHAPES: Array<[number[], number[]]> = [
  [[], []],
  [[], [3, 4]],
  [[3, 4], []],
  [[1], [1]],
  [[5], [5]],
  [
    [7, 13],
    [7, 13],
  ],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [
    [2, 3],
    [2, 1],
  ],
  [
    [1, 3],
    [2, 1],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [2, 3, 4, 5],
    [1, 3, 1, 5],
  ],
  [
    [2, 1, 3, 1, 2],
    [1, 4, 1, 5, 1],
  ],
  [
    [2, 1, 2, 3, 1, 2],
    [1, 3, 1, 3, 2, 1],
  ],
  [[0, 3], [3]],
  [[0], [1]],
  [
    [4, 0],
    [4, 1],
  ],
  [[150, 517], [517]],
  [
    [201, 300],
    [201, 1],
  ],
  [[70001], []],
  [[], [50001]],
  [
    [3, 30, 500],
    [3, 1, 500],
  ],
];

type Bin = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const OPS: Record<string, Bin> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  maximum: (a, b) => tf.maximum(a, b),
  minimum: (a, b) => tf.minimum(a, b),
  squaredDifference: (a, b) => tf.squaredDifference(a, b),
  floorDiv: (a, b) => tf.floorDiv(a, b),
};
const EXACT = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference'];
const op2 = (name: string): Bin => OPS[name] as Bin;

function inputs(a: number[], b: number[], seed: number): Input[] {
  return [
    { shape: a, data: randSpecial(size(a), seed) },
    { shape: b, data: randSpecial(size(b), seed + 1) },
  ];
}

describe('binary kernels match cpu', () => {
  for (const op of EXACT) {
    it(`${op} (exact) over broadcast shapes`, async () => {
      let seed = 1;
      for (const [a, b] of SHAPES) {
        await expectSame(
          inputs(a, b, seed++),
          (x, y) => op2(op)(x as tf.Tensor, y as tf.Tensor),
          0,
          1,
          `${op} [${a}] [${b}]`,
        );
      }
    });
  }

  it('pow within 1e-6 relative (libm vs V8 pow)', async () => {
    let seed = 100;
    for (const [a, b] of SHAPES.slice(0, 16)) {
      await expectSame(
        inputs(a, b, seed++),
        (x, y) => tf.pow(x as tf.Tensor, y as tf.Tensor),
        1e-6,
        1e-30,
        `pow [${a}] [${b}]`,
      );
    }
    // Math.pow special cases: pow(1, NaN) = NaN, pow(-1, ±Inf) = NaN, pow(NaN, 0) = 1.
    const base = [1, -1, -1, Number.NaN, 2, -2, 0, 0, 4];
    const expo = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1, 0.5, -1, 0, 0.5];
    await expectSame(
      [
        { shape: [9], data: base },
        { shape: [9], data: expo },
      ],
      (x, y) => tf.pow(x as tf.Tensor, y as tf.Tensor),
    );
  });

  it('Maximum/Minimum propagate NaN and order signed zeros like Math.max/min', async () => {
    const a = [Number.NaN, 1, Number.NaN, 0, -0, 0, -0, Number.NEGATIVE_INFINITY];
    const b = [1, Number.NaN, Number.NaN, -0, 0, 0, -0, Number.POSITIVE_INFINITY];
    for (const op of ['maximum', 'minimum']) {
      const out = await (async () => {
        await tf.setBackend('native');
        return op2(op)(tf.tensor1d(a), tf.tensor1d(b)).dataSync();
      })();
      const want = a.map((v, i) => Math[op === 'maximum' ? 'max' : 'min'](v, b[i] as number));
      want.forEach((w, i) => {
        expect(Object.is(out[i], w), `${op} ${a[i]} ${b[i]}`).toBe(true);
      });
    }
  });

  it('int32 and bool inputs fall back to the cpu kernels', async () => {
    const ia: Input = { shape: [3, 4], dtype: 'int32', data: Array.from(rand(12, 5, 50), Math.round) };
    const ib: Input = { shape: [4], dtype: 'int32', data: [1, -2, 3, 7] };
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'squaredDifference', 'floorDiv']) {
      await expectSame([ia, ib], (x, y) => op2(op)(x as tf.Tensor, y as tf.Tensor), 0, 1, `int32 ${op}`);
    }
    await expectSame([ia, ib], (x, y) => tf.div(x as tf.Tensor, y as tf.Tensor), 0, 1, 'int32 div');
    const ba: Input = { shape: [4], dtype: 'bool', data: [1, 0, 1, 0] };
    await expectSame([ba, ba], (x, y) => tf.add(x as tf.Tensor, y as tf.Tensor), 0, 1, 'bool add');
  });

  it('int32 cast to float32, then a native kernel', async () => {
    await expectSame(
      [
        { shape: [4], dtype: 'int32', data: [1, 2, 3, 4] },
        { shape: [4], data: [0.5, 1, 2, 3] },
      ],
      (x, y) => tf.mul(tf.cast(x as tf.Tensor, 'float32'), y as tf.Tensor),
    );
  });
});
