import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initEngine } from '../engine/init-engine.js';
import {
  installFastMatMulGradient,
  isFastMatMulGradientInstalled,
  uninstallFastMatMulGradient,
} from './batch-matmul-grad.js';

function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** [M=3, K=4, N=5] with transposes; batch prefixes on a and b. */
const M = 3;
const K = 4;
const N = 5;
interface Case {
  name: string;
  batchA: number[];
  batchB: number[];
  /** Whether tfjs's default gradient can handle it (it does not reduce broadcast batch dims). */
  defaultWorks: boolean;
}
const shapes: Case[] = [
  { name: '2-D', batchA: [], batchB: [], defaultWorks: true },
  { name: '3-D batch 1', batchA: [1], batchB: [1], defaultWorks: true },
  { name: '3-D batched', batchA: [2], batchB: [2], defaultWorks: true },
  { name: '4-D batched', batchA: [2, 3], batchB: [2, 3], defaultWorks: true },
  { name: 'broadcast b', batchA: [2], batchB: [], defaultWorks: false },
  { name: 'broadcast a (1 vs 2)', batchA: [1], batchB: [2], defaultWorks: false },
];
const cases = shapes.flatMap((s) =>
  [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ].map(([tA, tB]) => ({ ...s, tA: tA as boolean, tB: tB as boolean })),
);

function gradsOf(c: (typeof cases)[number]): number[][] {
  return tf.tidy(() => {
    const aShape = [...c.batchA, ...(c.tA ? [K, M] : [M, K])];
    const bShape = [...c.batchB, ...(c.tB ? [N, K] : [K, N])];
    const a = tf.tensor(
      values(
        aShape.reduce((p, d) => p * d, 1),
        5,
      ),
      aShape,
    );
    const b = tf.tensor(
      values(
        bShape.reduce((p, d) => p * d, 1),
        6,
      ),
      bShape,
    );
    const f = (x: tf.Tensor, y: tf.Tensor) => {
      const c0 = tf.matMul(x, y, c.tA, c.tB); // [..., M, N]
      return tf.sum(tf.mul(tf.sin(c0), tf.tensor(values(c0.size, 7), c0.shape)));
    };
    return tf
      .grads(f)([a, b])
      .map((g, i) => {
        expect(g.shape).toEqual(i === 0 ? aShape : bShape);
        return Array.from(g.dataSync());
      });
  });
}

/** Float64 gradient of Σ sin(op(A)·op(B))·R, summing over broadcast batches (the oracle). */
function oracle(c: (typeof cases)[number]): number[][] {
  const aShape = [...c.batchA, ...(c.tA ? [K, M] : [M, K])];
  const bShape = [...c.batchB, ...(c.tB ? [N, K] : [K, N])];
  const av = values(
    aShape.reduce((p, d) => p * d, 1),
    5,
  );
  const bv = values(
    bShape.reduce((p, d) => p * d, 1),
    6,
  );
  const nb = Math.max(
    c.batchA.reduce((p, d) => p * d, 1),
    c.batchB.reduce((p, d) => p * d, 1),
  );
  const rv = values(nb * M * N, 7);
  const ga = new Array(av.length).fill(0);
  const gb = new Array(bv.length).fill(0);
  const na = av.length / (M * K);
  const nbb = bv.length / (K * N);
  const ai = (t: number, i: number, k: number) => (t % na) * M * K + (c.tA ? k * M + i : i * K + k);
  const bi = (t: number, k: number, j: number) => (t % nbb) * K * N + (c.tB ? j * K + k : k * N + j);
  for (let t = 0; t < nb; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (av[ai(t, i, k)] as number) * (bv[bi(t, k, j)] as number);
        const d = Math.cos(s) * (rv[t * M * N + i * N + j] as number);
        for (let k = 0; k < K; k++) {
          ga[ai(t, i, k)] += d * (bv[bi(t, k, j)] as number);
          gb[bi(t, k, j)] += d * (av[ai(t, i, k)] as number);
        }
      }
    }
  }
  return [ga, gb];
}

function maxErr(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
}

describe.each(['cpu', 'wasm'] as const)('fast BatchMatMul gradient on %s', (backend) => {
  afterAll(() => installFastMatMulGradient());

  it.each(cases)('$name, transposeA=$tA transposeB=$tB: same as default and float64', async (c) => {
    await initEngine({ backend, threads: 1, quiet: true });
    installFastMatMulGradient();
    expect(isFastMatMulGradientInstalled()).toBe(true);
    const before = tf.memory().numTensors;
    const fast = gradsOf(c);
    expect(tf.memory().numTensors).toBe(before);
    const exact = oracle(c);
    fast.forEach((g, i) => {
      expect(maxErr(g, exact[i]!)).toBeLessThan(1e-5);
    });
    if (c.defaultWorks) {
      uninstallFastMatMulGradient();
      const reference = gradsOf(c);
      installFastMatMulGradient();
      fast.forEach((g, i) => {
        expect(maxErr(g, reference[i]!)).toBeLessThan(1e-6);
      });
    }
  });
});
