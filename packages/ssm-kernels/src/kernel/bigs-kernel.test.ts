import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigsKernel } from './bigs-kernel.js';
import { initBiGSSSM } from './init.js';
import type { BiGSSSMHostParams } from './params.js';
import { bigsParamsToTensors } from './params.js';
import { bigsKernelF64 } from './reference.js';
import { BACKENDS, finiteDiff, lossF64, maxRelErr, useBackend, weights } from './test-helpers.js';

/** Host params whose values are float64 copies (so finite differences can perturb them). */
function f64Params(p: BiGSSSMHostParams): BiGSSSMHostParams {
  const c = (a: { values: ArrayLike<number>; shape: readonly number[] }) => ({
    values: Float64Array.from(a.values),
    shape: a.shape.slice(),
  });
  return { aRe: c(p.aRe), aIm: c(p.aIm), c: c(p.c), d: c(p.d), logStep: c(p.logStep) };
}

function withLogStep(p: BiGSSSMHostParams, v: number): BiGSSSMHostParams {
  return { ...p, logStep: { values: new Float32Array([v]), shape: [1] } };
}

describe.each(BACKENDS)('bigsKernel on %s', (backend) => {
  beforeAll(async () => useBackend(backend));
  afterAll(() => tf.disposeVariables());

  // Tolerance: 1e-5 of max|K| (float32 parameters and arithmetic vs the float64 reference).
  it.each([
    ['hippo', 64, 128, Math.log(0.05)],
    ['hippo', 64, 1, 0],
    ['hippo', 64, 129, Math.log(0.01)],
    ['lin', 32, 64, Math.log(0.2)],
    ['inv', 16, 37, Math.log(1)],
  ] as const)('matches the float64 reference (%s, N=%i, L=%i)', (scaling, n, length, logStep) => {
    const host = withLogStep(initBiGSSSM(n, { scaling, seed: n + length }), logStep);
    const params = bigsParamsToTensors(host);
    const k = bigsKernel(params, length); // [L]
    expect(k.shape).toEqual([length]);
    const ref = bigsKernelF64(host, length); // [L]
    expect(maxRelErr(k.dataSync(), ref)).toBeLessThan(1e-5);
    const kf = bigsKernel(params, length, { impl: 'fallback' }); // [L]
    expect(maxRelErr(kf.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([k, kf, ...Object.values(params)]);
  });

  it('uses Re(·) without a factor 2 and all N modes (single-mode check)', () => {
    const host: BiGSSSMHostParams = {
      aRe: { values: new Float32Array([-0.5]), shape: [1] },
      aIm: { values: new Float32Array([2]), shape: [1] },
      c: { values: new Float32Array([0.7, -0.3]), shape: [1, 2] },
      d: { values: new Float32Array([1]), shape: [1] },
      logStep: { values: new Float32Array([Math.log(0.1)]), shape: [1] },
    };
    // K[0] = Re(C·(e^{ΔA} − 1)/A) by hand, float64
    const dt = Math.exp(Math.fround(Math.log(0.1)));
    const er = Math.exp(-0.5 * dt) * Math.cos(2 * dt) - 1;
    const ei = Math.exp(-0.5 * dt) * Math.sin(2 * dt);
    const den = 0.25 + 4;
    const br = (er * -0.5 + ei * 2) / den;
    const bi = (ei * -0.5 - er * 2) / den;
    const k0 = Math.fround(0.7) * br - Math.fround(-0.3) * bi;
    const params = bigsParamsToTensors(host);
    const k = bigsKernel(params, 3);
    expect(k.dataSync()[0]).toBeCloseTo(k0, 6);
    tf.dispose([k, ...Object.values(params)]);
  });

  it('gradients match float64 central differences for aRe (incl. clipped), aIm, c, logStep', () => {
    const n = 12;
    const length = 33;
    const host0 = withLogStep(initBiGSSSM(n, { scaling: 'hippo', seed: 5 }), Math.log(0.08));
    // Perturb A_re away from the constant init; modes 0 and 1 sit in the clipped region (> −1e-4).
    const aRe = Float32Array.from(weights(n, 11), (w) => -0.5 + 0.3 * w);
    aRe[0] = 0.05;
    aRe[1] = -1e-5;
    const host = { ...host0, aRe: { values: aRe, shape: [n] } };
    const r = weights(length, 3); // [L] loss weights
    const params = bigsParamsToTensors(host);
    const rT = tf.tensor1d(Float32Array.from(r));
    const lossTf = (aReT: tf.Tensor, aImT: tf.Tensor, cT: tf.Tensor, lsT: tf.Tensor) =>
      tf.sum(
        tf.mul(rT, tf.tanh(bigsKernel({ aRe: aReT, aIm: aImT, c: cT, d: params.d, logStep: lsT }, length))),
      ); // []
    const grads = tf.grads(lossTf)([params.aRe, params.aIm, params.c, params.logStep]); // [N], [N], [N, 2], [1]
    const gradsFb = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(
        tf.mul(
          rT,
          tf.tanh(bigsKernel({ aRe: a, aIm: b, c, d: params.d, logStep: d }, length, { impl: 'fallback' })),
        ),
      ),
    )([params.aRe, params.aIm, params.c, params.logStep]);

    const p64 = f64Params(host);
    const f = () => lossF64(bigsKernelF64(p64, length), r);
    const names = ['aRe', 'aIm', 'c', 'logStep'] as const;
    names.forEach((name, i) => {
      const fd = finiteDiff(p64[name].values as Float64Array, f, 1e-6);
      const g = grads[i]!.dataSync();
      // Tolerance: 2e-4 of the largest |gradient| of the group (float32 forward/backward vs float64 FD).
      expect(maxRelErr(g, fd), name).toBeLessThan(2e-4);
      expect(maxRelErr(gradsFb[i]!.dataSync(), g), `${name} fallback vs custom`).toBeLessThan(2e-4);
    });
    const gARe = grads[0]!.dataSync();
    expect(Math.abs(gARe[0]!)).toBe(0);
    expect(Math.abs(gARe[1]!)).toBe(0);
    expect(Math.abs(gARe[2]!)).toBeGreaterThan(0);
    tf.dispose([...grads, ...gradsFb, rT, ...Object.values(params)]);
  });

  it('does not leak tensors over repeated forward + grad', () => {
    const params = bigsParamsToTensors(initBiGSSSM(16, { seed: 1 }));
    const step = () =>
      tf
        .tidy(() => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
            tf.sum(tf.square(bigsKernel({ aRe: a, aIm: b, c, d: params.d, logStep: d }, 20))),
          )([params.aRe, params.aIm, params.c, params.logStep]);
          return g[0]!.sum();
        })
        .dispose();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(params));
  });

  it('gives clear errors on bad input', () => {
    const params = bigsParamsToTensors(initBiGSSSM(8));
    expect(() => bigsKernel(params, 0)).toThrow(/bigsKernel: length must be an integer >= 1, got 0/);
    expect(() => bigsKernel(params, 3.5)).toThrow(/got 3.5/);
    const bad = tf.zeros([8, 3]);
    expect(() => bigsKernel({ ...params, c: bad }, 4)).toThrow(
      /bigsKernel: c must have shape \[8, 2\], got \[8, 3\]/,
    );
    const badIm = tf.zeros([7]);
    expect(() => bigsKernel({ ...params, aIm: badIm }, 4)).toThrow(/aIm must have shape \[8\], got \[7\]/);
    const badStep = tf.zeros([2]);
    expect(() => bigsKernel({ ...params, logStep: badStep }, 4)).toThrow(
      /logStep must have shape \[1\], got \[2\]/,
    );
    tf.dispose([bad, badIm, badStep, ...Object.values(params)]);
  });
});
