import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import '../index.js';
import { requireAddon } from '../addon.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function on(backend: string, f: () => tf.Tensor): Promise<{ shape: number[]; data: Float32Array }> {
  await tf.setBackend(backend);
  const t = f();
  const out = { shape: t.shape, data: (await t.data()) as Float32Array };
  t.dispose();
  return out;
}

/** Tolerance for a K-long float32 dot product: 1e-5·√K·max|C|. */
function expectClose(got: Float32Array, want: Float32Array, K: number): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  const tol = 1e-5 * Math.sqrt(Math.max(K, 1)) * Math.max(scale, 1);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i] as number)) expect(Number.isNaN(got[i] as number)).toBe(true);
    else expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThanOrEqual(tol);
  }
}

afterAll(async () => {
  requireAddon().useBuiltinGemm(false);
  await tf.setBackend('cpu');
});

const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [3, 33, 65], b: [3, 65, 17], ta: false, tb: false },
  { a: [3, 33, 65], b: [1, 17, 65], ta: false, tb: true }, // broadcast batch of b
  { a: [1, 1], b: [1, 1], ta: false, tb: false },
  { a: [0, 4], b: [4, 3], ta: false, tb: false }, // zero-size output
  { a: [4, 0], b: [0, 3], ta: false, tb: false }, // K = 0 → zeros
  { a: [130, 257], b: [257, 129], ta: false, tb: false },
];

describe.each([
  ['BLAS', false],
  ['built-in GEMM', true],
])('BatchMatMul on native (%s) matches cpu', (_, builtin) => {
  it.each(cases)('$a x $b (transposeA $ta, transposeB $tb)', async ({ a, b, ta, tb }) => {
    requireAddon().useBuiltinGemm(builtin);
    const av = rand(
      a.reduce((x, y) => x * y, 1),
      1,
    );
    const bv = rand(
      b.reduce((x, y) => x * y, 1),
      2,
    );
    const f = () => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb);
    const want = await on('cpu', f);
    const got = await on('native', f);
    expect(got.shape).toEqual(want.shape);
    expectClose(got.data, want.data, ta ? (a.at(-2) as number) : (a.at(-1) as number));
  });
});

describe('matmul details on native', () => {
  it('broadcasts batch dimensions of different ranks ([2,1] x [3] → [2,3]), like explicit tiling', async () => {
    const av = rand(2 * 4 * 6, 7);
    const bv = rand(3 * 6 * 5, 8);
    const got = await on('native', () => tf.matMul(tf.tensor(av, [2, 1, 4, 6]), tf.tensor(bv, [3, 6, 5])));
    // tfjs's cpu kernel mis-sizes this case, so the reference tiles both operands to [2, 3, ...] first.
    const want = await on('cpu', () =>
      tf.matMul(
        tf.tile(tf.tensor(av, [2, 1, 4, 6]), [1, 3, 1, 1]),
        tf.tile(tf.tensor(bv, [1, 3, 6, 5]), [2, 1, 1, 1]),
      ),
    );
    expect(got.shape).toEqual([2, 3, 4, 5]);
    expectClose(got.data, want.data, 6);
  });

  it('propagates NaN and Inf like the cpu kernel', async () => {
    const av = Float32Array.from([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY, 1]);
    const f = () => tf.matMul(tf.tensor(av, [2, 3]), tf.ones([3, 2]));
    const want = await on('cpu', f);
    const got = await on('native', f);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it('gradients of matMul equal the cpu gradients', async () => {
    const av = rand(6 * 5, 3);
    const bv = rand(5 * 4, 4);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([
        tf.tensor(av, [6, 5]),
        tf.tensor(bv, [5, 4]),
      ]);
      return Promise.all(g.map((t) => t.data() as Promise<Float32Array>));
    };
    const want = await grads('cpu');
    const got = await grads('native');
    expectClose(got[0] as Float32Array, want[0] as Float32Array, 20);
    expectClose(got[1] as Float32Array, want[1] as Float32Array, 20);
  });

  it('fused matMul with bias and relu matches cpu; int32 falls back to JS', async () => {
    const av = rand(4 * 6, 5);
    const bv = rand(6 * 3, 6);
    const f = () =>
      tf.fused.matMul({
        a: tf.tensor(av, [4, 6]),
        b: tf.tensor(bv, [6, 3]),
        bias: tf.tensor1d([0.5, -1, 2]),
        activation: 'relu',
      });
    expectClose((await on('native', f)).data, (await on('cpu', f)).data, 6);
    const g = () =>
      tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([1, 0, 0, 1], [2, 2], 'int32'));
    expect(Array.from((await on('native', g)).data)).toEqual([1, 2, 3, 4]);
  });

  it('raw gemm honours alpha, beta and leading dimensions', () => {
    const A = Float32Array.from([1, 2, 9, 3, 4, 9]); // 2x2 with lda 3
    const B = Float32Array.from([1, 0, 0, 1]);
    const C = Float32Array.from([10, 10, 10, 10]);
    requireAddon().gemm(false, false, 2, 2, 2, 2, A, 3, B, 2, 1, C, 2);
    expect(Array.from(C)).toEqual([12, 14, 16, 18]);
    expect(() => requireAddon().gemm(false, false, 4, 4, 4, 1, A, 4, B, 4, 0, C, 4)).toThrow(
      /smaller than its shape/,
    );
  });
});
