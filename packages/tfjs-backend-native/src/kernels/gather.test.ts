import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '../index.js';
import type { NativeBackend } from '../backend.js';
import { expectSame, type Input, rand, randSpecial, size } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const f = (shape: number[], seed: number): Input => ({ shape, data: randSpecial(size(shape), seed) });
const idx = (shape: number[], max: number, seed: number): Input => ({
  shape,
  dtype: 'int32',
  data: Array.from(rand(size(shape), seed), (v) => Math.floor((v + 1) * 0.5 * max) % max),
});

describe('GatherV2 matches cpu exactly', () => {
  it('axes, batchDims, index ranks, edge sizes', async () => {
    const cases: Array<[number[], number[], number, number]> = [
      // [x shape, indices shape, axis, batchDims]
      [[10], [4], 0, 0],
      [[10, 3], [], 0, 0],
      [[10, 3], [6], 0, 0],
      [[10, 3], [2, 3], 0, 0],
      [[4, 10, 3], [5], 1, 0],
      [[4, 10, 3], [5], -1, 0],
      [[4, 10, 3], [4, 2], 1, 1],
      [[2, 4, 10, 3], [2, 4, 5], 2, 2],
      [[10, 3], [0], 0, 0],
      [[0, 3], [0], 0, 0],
      [[1000, 129], [700], 0, 0],
    ];
    let seed = 1;
    for (const [xs, is, axis, bd] of cases) {
      const a = axis < 0 ? xs.length + axis : axis;
      await expectSame(
        [f(xs, seed++), idx(is, xs[a] as number, seed++)],
        (x, i) => tf.gather(x as tf.Tensor, i as tf.Tensor, axis, bd),
        0,
        1,
        `gather [${xs}] [${is}] ${axis} ${bd}`,
      );
    }
  });

  it('out-of-range indices throw like cpu; int32 x falls back', async () => {
    await tf.setBackend('native');
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32'))).toThrow(/not in \[0, 2\]/);
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([-1], 'int32'))).toThrow(/not in/);
    await expectSame([{ shape: [3, 2], dtype: 'int32', data: [1, 2, 3, 4, 5, 6] }, idx([4], 3, 2)], (x, i) =>
      tf.gather(x as tf.Tensor, i as tf.Tensor),
    );
  });
});

describe('UnsortedSegmentSum', () => {
  it('matches cpu (duplicates, empty and dropped out-of-range segments)', async () => {
    const cases: Array<[number[], number]> = [
      [[20], 6],
      [[50, 7], 10],
      [[30, 2, 3], 4],
      [[200, 64], 120],
    ];
    let seed = 7;
    for (const [xs, V] of cases) {
      const ids = idx([xs[0] as number], V + 2, seed++);
      for (let k = 0; k < ids.data.length; k += 5) (ids.data as number[])[k] = (ids.data[k] as number) - 1; // some -1
      await expectSame(
        [{ shape: xs, data: rand(size(xs), seed++) }, ids],
        (x, i) => tf.unsortedSegmentSum(x as tf.Tensor, i as tf.Tensor1D, V),
        1e-6, // float accumulation (cpu sums in double): error ≲ count·eps·max|x|, inputs are in [-1, 1)
        1,
        `segsum [${xs}] ${V}`,
      );
    }
  });

  it('is O(N·H): V=30522, H=64, N=4096 against a JS reference', async () => {
    const V = 30522;
    const H = 64;
    const N = 4096;
    const x = rand(N * H, 31);
    const ids = Int32Array.from(rand(N, 32), (v) => Math.floor((v + 1) * 0.5 * V) % V);
    const want = new Float64Array(V * H);
    for (let n = 0; n < N; n++)
      for (let h = 0; h < H; h++)
        want[(ids[n] as number) * H + h] =
          (want[(ids[n] as number) * H + h] as number) + (x[n * H + h] as number);
    await tf.setBackend('native');
    const t0 = performance.now();
    const got = tf.unsortedSegmentSum(tf.tensor2d(x, [N, H]), tf.tensor1d(ids, 'int32'), V);
    const data = got.dataSync();
    const ms = performance.now() - t0;
    expect(got.shape).toEqual([V, H]);
    let worst = 0;
    for (let i = 0; i < want.length; i++)
      worst = Math.max(
        worst,
        Math.abs((data[i] as number) - (want[i] as number)) / Math.max(1, Math.abs(want[i] as number)),
      );
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(ms).toBeLessThan(2000);
  });
});

describe('Slice, Concat, PadV2, SplitV, Tile match cpu exactly', () => {
  it('slice (always a copy)', async () => {
    const cases: Array<[number[], number[], number[]]> = [
      [[1], [0], [1]],
      [[10], [2], [5]],
      [[10], [0], [-1]],
      [
        [6, 7],
        [1, 2],
        [3, 4],
      ],
      [
        [6, 7],
        [1, 0],
        [3, 7],
      ],
      [
        [6, 7],
        [0, 0],
        [0, 7],
      ],
      [
        [4, 5, 6],
        [1, 1, 1],
        [2, -1, 3],
      ],
      [
        [2, 3, 4, 5, 6],
        [1, 0, 2, 1, 0],
        [1, 3, 2, 3, 6],
      ],
      [
        [300, 400],
        [10, 5],
        [250, 390],
      ],
    ];
    let seed = 1;
    for (const [xs, b, s] of cases) {
      await expectSame([f(xs, seed++)], (x) => tf.slice(x, b, s), 0, 1, `slice [${xs}] ${b} ${s}`);
    }
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    const x = tf.tensor2d(rand(12, 1), [4, 3]);
    const y = tf.slice(x, [1, 0], [2, 3]); // contiguous: the cpu kernel would return a view
    expect((backend.valuesOf(y) as Float32Array).buffer).not.toBe(
      (backend.valuesOf(x) as Float32Array).buffer,
    );
  });

  it('concat', async () => {
    const cases: Array<[number[][], number]> = [
      [[[3], [4]], 0],
      [
        [
          [2, 3],
          [2, 5],
          [2, 1],
        ],
        1,
      ],
      [
        [
          [2, 3],
          [4, 3],
        ],
        0,
      ],
      [
        [
          [2, 3, 4],
          [2, 0, 4],
          [2, 2, 4],
        ],
        1,
      ],
      [
        [
          [2, 3, 4],
          [2, 3, 4],
        ],
        -1,
      ],
      [
        [
          [0, 3],
          [0, 3],
        ],
        0,
      ],
      [
        [
          [200, 300],
          [200, 100],
        ],
        1,
      ],
    ];
    let seed = 5;
    for (const [shapes, axis] of cases) {
      await expectSame(
        shapes.map((s) => f(s, seed++)),
        (...xs) => tf.concat(xs, axis),
        0,
        1,
        `concat ${JSON.stringify(shapes)} ${axis}`,
      );
    }
    const i: Input = { shape: [2], dtype: 'int32', data: [1, 2] };
    await expectSame([i, i], (a, b) => tf.concat([a as tf.Tensor, b as tf.Tensor]));
  });

  it('pad', async () => {
    const cases: Array<[number[], Array<[number, number]>, number]> = [
      [[5], [[2, 3]], 0],
      [
        [3, 4],
        [
          [1, 0],
          [0, 2],
        ],
        2.5,
      ],
      [
        [3, 4],
        [
          [0, 0],
          [0, 0],
        ],
        1,
      ],
      [
        [2, 3, 4],
        [
          [1, 1],
          [2, 0],
          [0, 3],
        ],
        -1,
      ],
      [
        [0, 3],
        [
          [1, 1],
          [1, 1],
        ],
        7,
      ],
      [
        [2, 2, 2, 2],
        [
          [1, 0],
          [0, 1],
          [1, 1],
          [0, 0],
        ],
        0,
      ],
      [
        [250, 300],
        [
          [3, 4],
          [5, 6],
        ],
        0,
      ],
    ];
    let seed = 9;
    for (const [xs, p, v] of cases) {
      await expectSame([f(xs, seed++)], (x) => tf.pad(x, p, v), 0, 1, `pad [${xs}] ${JSON.stringify(p)}`);
    }
  });

  it('split (SplitV)', async () => {
    const cases: Array<[number[], number | number[], number]> = [
      [[6], 3, 0],
      [[4, 6], [1, 2, 3], 1],
      [[4, 6], [3, -1], 0],
      [[2, 3, 8], 4, -1],
      [[300, 400], [100, 300], 1],
    ];
    let seed = 20;
    for (const [xs, s, axis] of cases) {
      await expectSame([f(xs, seed++)], (x) => tf.split(x, s, axis), 0, 1, `split [${xs}] ${s} ${axis}`);
    }
  });

  it('tile', async () => {
    const cases: Array<[number[], number[]]> = [
      [[3], [4]],
      [
        [2, 3],
        [2, 1],
      ],
      [
        [2, 3],
        [1, 3],
      ],
      [
        [2, 1, 3],
        [2, 4, 2],
      ],
      [
        [2, 3],
        [0, 2],
      ],
      [
        [2, 2, 2, 2],
        [1, 2, 1, 2],
      ],
      [
        [100, 300],
        [3, 1],
      ],
    ];
    let seed = 30;
    for (const [xs, r] of cases)
      await expectSame([f(xs, seed++)], (x) => tf.tile(x, r), 0, 1, `tile [${xs}] ${r}`);
    await expectSame([{ shape: [2], dtype: 'int32', data: [1, 2] }], (x) => tf.tile(x, [3]));
  });
});
