import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from './init-engine.js';
import { unsortedSegmentSumValues } from './register-unsorted-segment-sum.js';

async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await initEngine({ backend, threads: 1, quiet: true });
  return f();
}

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
  });

  it('reference: sums rows into segments and drops out-of-range ids', () => {
    const out = unsortedSegmentSumValues(
      new Float32Array([1, 2, 3, 4, 5, 6]),
      new Int32Array([1, 0, 7]),
      2,
      2,
    );
    expect(Array.from(out)).toEqual([3, 4, 1, 2]);
  });

  it.each([
    {
      name: 'float32 [6,3], ids [6]',
      shape: [6, 3],
      ids: [0, 2, 2, 4, 0, 1],
      n: 5,
      dtype: 'float32' as const,
    },
    { name: 'int32 [5], ids [5]', shape: [5], ids: [1, 1, 0, 3, -1], n: 4, dtype: 'int32' as const },
    {
      name: 'float32 [6,2,2], ids [6]',
      shape: [6, 2, 2],
      ids: [0, 1, 0, 2, 2, 1],
      n: 3,
      dtype: 'float32' as const,
    },
  ])('equals cpu: $name', async ({ shape, ids, n, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, (_, i) => (dtype === 'int32' ? i - 3 : Math.sin(i)));
    const run = () =>
      tf.tidy(() =>
        tf.unsortedSegmentSum(tf.tensor(values, shape, dtype), tf.tensor1d(ids, 'int32'), n).arraySync(),
      );
    const cpu = await on('cpu', run);
    const before = (await on('wasm', () => tf.memory().numTensors)) as number;
    const wasm = await on('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes tf.grad through tf.gather (embedding lookup) work on wasm, equal to cpu', async () => {
    const table = Array.from({ length: 7 * 4 }, (_, i) => Math.cos(i * 0.3)); // [V=7, D=4]
    const ids = [1, 5, 1, 0, 6, 1]; // [N=6]
    const weights = Array.from({ length: 6 * 4 }, (_, i) => (i % 5) - 2); // [N, D]
    const run = () =>
      tf.tidy(() => {
        const emb = tf.tensor2d(table, [7, 4]);
        const g = tf.grad((e: tf.Tensor) =>
          tf.sum(tf.mul(tf.gather(e, tf.tensor1d(ids, 'int32')), tf.tensor2d(weights, [6, 4]))),
        );
        return g(emb).arraySync(); // [7, 4]
      });
    const cpu = await on('cpu', run);
    await on('wasm', () => undefined);
    const before = tf.memory().numTensors;
    const wasm = await on('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(before);
    // row 1 is gathered 3 times: its gradient is the sum of the 3 weight rows
    const w = (r: number, c: number) => weights[r * 4 + c] as number;
    expect((wasm as number[][])[1]).toEqual([0, 1, 2, 3].map((c) => w(0, c) + w(2, c) + w(5, c)));
  });
});
