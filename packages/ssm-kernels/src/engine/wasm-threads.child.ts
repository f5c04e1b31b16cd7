/**
 * Child process for wasm-threads.test.ts: the wasm module and its thread count are process-wide, so
 * each thread scenario runs in its own Node process. Prints one JSON line on stdout.
 * Usage: tsx wasm-threads.child.ts <threads> [init|self-check]
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../dense/dense.js';
import { initEngine } from './init-engine.js';

const threads = Number(process.argv[2] ?? '2');
const fail = process.argv[3] as 'init' | 'self-check' | undefined;
const info = await initEngine({
  backend: 'wasm',
  threads,
  quiet: true,
  ...(fail ? { debugFailThreads: fail } : {}),
});

// A matmul big enough to use the thread pool, against a float64 JS product.
const M = 64;
const K = 256;
const N = 96;
const a = Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.01));
const b = Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.02));
const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])).dataSync()); // [M, N]
let maxErr = 0;
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (a[i * K + k] as number) * (b[k * N + j] as number);
    maxErr = Math.max(maxErr, Math.abs(s - (got[i * N + j] as number)) / (1 + Math.abs(s)));
  }
}
// dense gradient runs and does not leak.
const before = tf.memory().numTensors;
const gradSum = tf.tidy(() => {
  const x = tf.tensor3d(a.slice(0, 2 * 8 * 32), [2, 8, 32]); // [B, L, in]
  const w = tf.tensor2d(b.slice(0, 32 * 16), [32, 16]); // [in, out]
  const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(dense(x, w))))([x, w]);
  return (dx as tf.Tensor).sum().dataSync()[0]! + (dw as tf.Tensor).sum().dataSync()[0]!;
});
const leaked = tf.memory().numTensors - before;
process.stdout.write(
  `${JSON.stringify({ info, maxErr, gradSumFinite: Number.isFinite(gradSum), leaked })}\n`,
);
