import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '../index.js';
import { expectSame, type Input, rand, randSpecial, size } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

type Fn = (x: tf.Tensor) => tf.Tensor;
// [name, fn, rtol]: 0 = exact (same double computation as the cpu kernel, or correctly rounded);
// 2e-6 for libm transcendentals against V8's (fdlibm) ones, relative to max(|cpu|, 1e-6).
const OPS: Array<[string, Fn, number]> = [
  ['square', (x) => tf.square(x), 0],
  ['sqrt', (x) => tf.sqrt(x), 0],
  ['rsqrt', (x) => tf.rsqrt(x), 0],
  ['neg', (x) => tf.neg(x), 0],
  ['abs', (x) => tf.abs(x), 0],
  ['relu', (x) => tf.relu(x), 0],
  ['reciprocal', (x) => tf.reciprocal(x), 0],
  ['sign', (x) => tf.sign(x), 0],
  ['step', (x) => tf.step(x, 0.25), 0],
  ['clipByValue', (x) => tf.clipByValue(x, -0.7, 1.3), 0],
  ['leakyRelu', (x) => tf.leakyRelu(x, 0.2), 0],
  ['exp', (x) => tf.exp(x), 2e-6],
  ['log', (x) => tf.log(x), 2e-6],
  ['tanh', (x) => tf.tanh(x), 2e-6],
  ['sigmoid', (x) => tf.sigmoid(x), 2e-6],
  ['erf', (x) => tf.erf(x), 2e-6],
  ['sin', (x) => tf.sin(x), 2e-6],
  ['cos', (x) => tf.cos(x), 2e-6],
  ['softplus', (x) => tf.softplus(x), 2e-6],
  ['elu', (x) => tf.elu(x), 2e-6],
];

const SHAPES = [[], [1], [0], [0, 3], [7], [3, 5], [2, 3, 4, 5, 2], [70001]];

describe('unary kernels match cpu', () => {
  for (const [name, fn, rtol] of OPS) {
    it(name, async () => {
      let seed = 11;
      for (const shape of SHAPES) {
        const scale = name === 'exp' || name === 'softplus' || name === 'elu' ? 30 : 4;
        await expectSame(
          [{ shape, data: randSpecial(size(shape), seed++, scale) }],
          fn,
          rtol,
          1e-6,
          `${name} [${shape}]`,
        );
      }
    });
  }

  it('int32 inputs fall back to the cpu kernels', async () => {
    const ix: Input = { shape: [2, 5], dtype: 'int32', data: [-3, -1, 0, 1, 2, 5, 9, -7, 4, 100] };
    for (const [name, fn] of OPS) {
      if (
        [
          'erf',
          'softplus',
          'elu',
          'sigmoid',
          'tanh',
          'sin',
          'cos',
          'log',
          'exp',
          'rsqrt',
          'sqrt',
          'reciprocal',
        ].includes(name)
      )
        continue; // float-only in tfjs (the op casts first)
      await expectSame([ix], fn, 0, 1, `int32 ${name}`);
    }
  });

  it('Cast between float32, int32 and bool', async () => {
    const f: Input = {
      shape: [14],
      data: [
        0,
        -0,
        0.5,
        -0.5,
        1.9,
        -1.9,
        2147483647,
        -2147483648,
        3e9,
        -3e9,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        1e20,
        7,
      ],
    };
    await expectSame([f], (x) => tf.cast(x, 'int32'), 0, 1, 'f32→i32');
    await expectSame([f], (x) => tf.cast(x, 'bool'), 0, 1, 'f32→bool');
    await expectSame([f], (x) => tf.cast(x, 'float32'), 0, 1, 'f32→f32');
    const i: Input = {
      shape: [3, 3],
      dtype: 'int32',
      data: [0, 1, -1, 16777217, -16777219, 2147483647, -2147483648, 5, 9],
    };
    // The cpu kernel keeps the Int32Array (a float32 tensor holding 16777217); native stores a real
    // Float32Array, so ints beyond 2^24 read back rounded to float32 (as any later kernel would round).
    const small: Input = {
      shape: [3, 3],
      dtype: 'int32',
      data: [0, 1, -1, 16777216, -16777215, 65537, -99, 5, 9],
    };
    await expectSame([small], (x) => tf.cast(x, 'float32'), 0, 1, 'i32→f32');
    await tf.setBackend('native');
    const rounded = tf.cast(tf.tensor(Array.from(i.data), i.shape, 'int32'), 'float32').dataSync();
    expect(rounded).toBeInstanceOf(Float32Array);
    expect(Array.from(rounded)).toEqual(Array.from(i.data, (v) => Math.fround(v)));
    await expectSame([i], (x) => tf.cast(x, 'bool'), 0, 1, 'i32→bool');
    const b: Input = { shape: [5], dtype: 'bool', data: [1, 0, 0, 1, 1] };
    await expectSame([b], (x) => tf.cast(x, 'float32'), 0, 1, 'bool→f32');
    await expectSame([b], (x) => tf.cast(x, 'int32'), 0, 1, 'bool→i32');
    const big: Input = { shape: [70001], data: rand(70001, 3, 1e4) };
    await expectSame([big], (x) => tf.cast(x, 'int32'), 0, 1, 'big f32→i32');
    await expectSame([big], (x) => tf.cast(tf.cast(x, 'int32'), 'float32'), 0, 1, 'big i32→f32');
  });
});
