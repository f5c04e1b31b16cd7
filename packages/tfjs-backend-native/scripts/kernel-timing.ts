/**
 * Rough timings of a few addon kernels against the cpu backend's JS kernels on the same inputs.
 * Run from the package: `npx tsx scripts/kernel-timing.ts` (BIGS_NATIVE_ADDON may point at a build).
 * Each row: best of `reps` runs (ms) per backend. The cpu UnsortedSegmentSum is O(V·N·H), so it is
 * timed at a small V and scaled linearly to the full V (marked "~").
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeInfo } from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  name: string;
  inputs: () => tf.Tensor[];
  run: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** cpu: time this instead and multiply by `scale` */
  cpu?: { inputs: () => tf.Tensor[]; scale: number };
}

const V = 30522;
const ids = (n: number, v: number) =>
  tf.tensor1d(
    Int32Array.from(rand(n, 9), (x) => Math.floor((x + 1) * 0.5 * v) % v),
    'int32',
  );

const CASES: Case[] = [
  {
    name: 'Multiply [4096,3072] x [3072]',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 1), [4096, 3072]), tf.tensor1d(rand(3072, 2))],
    run: (a, b) => tf.mul(a as tf.Tensor, b as tf.Tensor),
  },
  {
    name: 'Add [4096,3072] + [4096,3072]',
    inputs: () => [
      tf.tensor2d(rand(4096 * 3072, 1), [4096, 3072]),
      tf.tensor2d(rand(4096 * 3072, 3), [4096, 3072]),
    ],
    run: (a, b) => tf.add(a as tf.Tensor, b as tf.Tensor),
  },
  {
    name: 'RealDiv [4096,3072] / scalar',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 1), [4096, 3072]), tf.scalar(3)],
    run: (a, b) => tf.div(a as tf.Tensor, b as tf.Tensor),
  },
  {
    name: 'Transpose [8,512,768] perm [0,2,1]',
    inputs: () => [tf.tensor3d(rand(8 * 512 * 768, 4), [8, 512, 768])],
    run: (x) => tf.transpose(x as tf.Tensor, [0, 2, 1]),
  },
  {
    name: 'Transpose [3072,4096] perm [1,0]',
    inputs: () => [tf.tensor2d(rand(3072 * 4096, 4), [3072, 4096])],
    run: (x) => tf.transpose(x as tf.Tensor),
  },
  {
    name: 'Sum [4096,3072] over last axis',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 5), [4096, 3072])],
    run: (x) => tf.sum(x as tf.Tensor, -1),
  },
  {
    name: 'Sum [4096,3072] over axis 0',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 5), [4096, 3072])],
    run: (x) => tf.sum(x as tf.Tensor, 0),
  },
  {
    name: 'Exp [4096,3072]',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 6), [4096, 3072])],
    run: (x) => tf.exp(x as tf.Tensor),
  },
  {
    name: 'Tanh [4096,3072]',
    inputs: () => [tf.tensor2d(rand(4096 * 3072, 6), [4096, 3072])],
    run: (x) => tf.tanh(x as tf.Tensor),
  },
  {
    name: 'GatherV2 [30522,1024] rows by 4096 ids',
    inputs: () => [tf.tensor2d(rand(V * 1024, 7), [V, 1024]), ids(4096, V)],
    run: (x, i) => tf.gather(x as tf.Tensor, i as tf.Tensor),
  },
  {
    name: `UnsortedSegmentSum V=${V} H=1024 N=4096`,
    inputs: () => [tf.tensor2d(rand(4096 * 1024, 8), [4096, 1024]), ids(4096, V)],
    run: (x, i) => tf.unsortedSegmentSum(x as tf.Tensor, i as tf.Tensor1D, V),
    cpu: { inputs: () => [tf.tensor2d(rand(4096 * 1024, 8), [4096, 1024]), ids(4096, 20)], scale: V / 20 },
  },
];

async function time(backend: string, c: Case, reps: number): Promise<number> {
  await tf.setBackend(backend);
  const small = backend === 'cpu' && c.cpu !== undefined;
  const xs = small ? (c.cpu as NonNullable<Case['cpu']>).inputs() : c.inputs();
  const run = small
    ? (...a: tf.Tensor[]) => tf.unsortedSegmentSum(a[0] as tf.Tensor, a[1] as tf.Tensor1D, 20)
    : c.run;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const out = run(...xs);
    const ms = performance.now() - t0;
    best = Math.min(best, ms);
    for (const o of Array.isArray(out) ? out : [out]) o.dispose();
  }
  for (const x of xs) x.dispose();
  return small ? best * (c.cpu as NonNullable<Case['cpu']>).scale : best;
}

const info = nativeInfo();
console.log(`native: ${info ? `pool threads ${info.poolThreads}, blas ${info.blas.name}` : 'unavailable'}`);
console.log('| kernel | cpu ms | native ms | speed-up |\n|---|--:|--:|--:|');
for (const c of CASES) {
  const cpuMs = await time('cpu', c, 2);
  const natMs = await time('native', c, 5);
  const approx = c.cpu ? '~' : '';
  console.log(
    `| ${c.name} | ${approx}${cpuMs.toFixed(1)} | ${natMs.toFixed(1)} | ${approx}${(cpuMs / natMs).toFixed(1)}x |`,
  );
}
