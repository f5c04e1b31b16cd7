/**
 * The WGSL kernels and the compositions BiGS takes on `webgpu`, against the JS kernels on `cpu`, forward and
 * through gradients. Needs a WebGPU adapter (in CI: SwiftShader via VK_ICD_FILENAMES); skipped without one
 * unless BIGS_REQUIRE_WEBGPU=1, which makes a missing adapter fail. Shapes are small: SwiftShader is a CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fftConv } from '../conv/fft-op.js';
import { longConv } from '../conv/long-conv.js';
import { randomValues, relMaxErr } from '../conv/test-utils.js';
import { toeplitzBuild, toeplitzDiagSum } from '../conv/toeplitz-ops.js';
import { initEngine } from '../engine/init-engine.js';
import { webgpuAvailability } from '../engine/webgpu-engine.js';
import { vandermondeLog } from '../kernel/vandermonde-op.js';
import { WEBGPU_SSM_KERNELS } from './register-webgpu-kernels.js';

const availability = await webgpuAvailability();
const required = process.env.BIGS_REQUIRE_WEBGPU === '1';
const run = availability.available || required;
/** float32 sums in different orders; observed ≤ 3e-7 on SwiftShader. */
const TOL = 2e-5;

let previous = '';
beforeAll(async () => {
  previous = tf.getBackend();
  if (required && !availability.available)
    throw new Error(`BIGS_REQUIRE_WEBGPU=1 but ${availability.reason}`);
  if (run) await initEngine({ backend: 'webgpu', quiet: true });
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

/** Runs `fn` on a backend and reads its outputs asynchronously (webgpu cannot read synchronously in Node). */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  return values;
}

async function expectSame(fn: () => tf.Tensor[], tol = TOL): Promise<void> {
  const want = await on('cpu', fn);
  const got = await on('webgpu', fn);
  expect(got.length).toBe(want.length);
  for (const [i, g] of got.entries()) expect(relMaxErr(g, want[i]!), `output ${i}`).toBeLessThan(tol);
}

/** y and the gradients of Σ y·r for u, k (and d) through `conv`. */
function convAndGrads(
  B: number,
  L: number,
  H: number,
  shared: boolean,
  conv: (u: tf.Tensor3D, k: tf.Tensor, d: tf.Tensor) => tf.Tensor,
  withD = true,
) {
  const uv = Float32Array.from(randomValues(B * L * H, 3 + L));
  const kv = Float32Array.from(randomValues(shared ? L : H * L, 4 + H));
  const rv = Float32Array.from(randomValues(B * L * H, 5));
  return (): tf.Tensor[] => {
    const u = tf.tensor3d(uv, [B, L, H]);
    const k = shared ? tf.tensor1d(kv) : tf.tensor2d(kv, [H, L]);
    const d = tf.tensor1d([0.7]);
    const r = tf.tensor3d(rv, [B, L, H]);
    const y = conv(u, k, d);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor3D, b, c), r));
    const grads = withD
      ? tf.grads(f)([u, k, d])
      : tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b, d))([u, k]);
    return [y, ...grads];
  };
}

describe.runIf(run)('webgpu kernels vs cpu', () => {
  it('registers the WGSL kernels for webgpu', () => {
    for (const name of WEBGPU_SSM_KERNELS) expect(tf.getKernel(name, 'webgpu'), name).toBeDefined();
  });

  it('Toeplitz build and diagonal sums', async () => {
    const kv = Float32Array.from(randomValues(3 * 7, 11));
    const tv = Float32Array.from(randomValues(3 * 7 * 7, 12));
    for (const upper of [false, true]) {
      await expectSame(() => [
        toeplitzBuild(tf.tensor2d(kv, [3, 7]), upper), // [3, 7, 7]
        toeplitzDiagSum(tf.tensor3d(tv, [3, 7, 7]), upper), // [3, 7]
      ]);
    }
  });

  for (const strategy of ['toeplitz', 'fft'] as const) {
    for (const direction of ['causal', 'anticausal'] as const) {
      it(`longConv ${strategy} ${direction}, shared kernel with D, and its gradients`, async () => {
        await expectSame(
          convAndGrads(2, 24, 5, true, (u, k, d) => longConv(u, k, d, { strategy, direction })),
        );
      });
    }
  }

  it('the direct WGSL conv (fft strategy) with per-channel kernels, both directions, and gradients', async () => {
    for (const anti of [false, true]) {
      await expectSame(convAndGrads(2, 19, 3, false, (u, k) => fftConv(u, k, anti), false));
    }
  });

  it("longConv 'auto' takes the Toeplitz matmul for a shared kernel at any length on webgpu", async () => {
    await tf.setBackend('webgpu');
    const { resolveConvStrategy } = await import('../conv/long-conv.js');
    expect(resolveConvStrategy('auto', 4096, true)).toBe('toeplitz');
    expect(resolveConvStrategy('auto', 4096, false)).toBe('fft');
  });

  // float32 exp/cos/sin on the GPU: WGSL promises cos/sin only to an absolute 2^-11 on [-π, π].
  it('vandermondeLog (tf-ops composition on webgpu) matches the float64 JS kernel to 1e-3, with gradients', async () => {
    const M = 6;
    const L = 16;
    const cr = Float32Array.from(randomValues(M, 21));
    const ci = Float32Array.from(randomValues(M, 22));
    const wr = Float32Array.from(randomValues(M, 23)).map((v) => -0.05 - 0.1 * Math.abs(v));
    const wi = Float32Array.from(randomValues(M, 24)).map((v) => 0.4 * v);
    const rv = Float32Array.from(randomValues(L, 25));
    await expectSame(() => {
      const ins = [cr, ci, wr, wi].map((v) => tf.tensor1d(v));
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(vandermondeLog(a, b, c, d, L), tf.tensor1d(rv)));
      return [vandermondeLog(ins[0]!, ins[1]!, ins[2]!, ins[3]!, L), ...tf.grads(f)(ins)];
    }, 1e-3);
  });

  it('embedding gradient (gather → UnsortedSegmentSum) on webgpu', async () => {
    const table = Float32Array.from(randomValues(9 * 4, 31));
    const ids = [0, 3, 3, 8, 1, 3];
    await expectSame(() => {
      const w = tf.tensor2d(table, [9, 4]);
      const r = tf.tensor2d(Float32Array.from(randomValues(6 * 4, 32)), [6, 4]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d(ids, 'int32')), r)))(w);
      return [g];
    });
  });

  it('tf.addN of more inputs than a shader may bind (37, as the global gradient norm of a small model)', async () => {
    const vals = Array.from({ length: 37 }, (_, i) => Float32Array.from(randomValues(5, 40 + i)));
    await expectSame(() => [tf.addN(vals.map((v) => tf.tensor1d(v)))]);
  });

  it('a synchronous read says to use await data() instead of failing on OffscreenCanvas', async () => {
    await tf.setBackend('webgpu');
    const t = tf.tensor1d([1, 2, 3]);
    const square = tf.square(t);
    if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined') {
      expect(() => square.dataSync()).toThrow(/await tensor\.data\(\)/);
    }
    expect(Array.from(await square.data())).toEqual([1, 4, 9]);
    tf.dispose([t, square]);
  });
});
