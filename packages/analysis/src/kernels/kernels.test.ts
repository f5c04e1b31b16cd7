import { BiSSMRouting } from '@bigs/gated-blocks';
import { bigsKernel, bigsKernelF64, bigsParamsToHost } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml, tinyModel, useCpu } from '../test-helpers.js';
import { extractKernels, modelBlocks, NO_SSM_KERNELS } from './extract.js';
import { kernelStats, staticInteractionMaps } from './interaction.js';
import { interactionMapPlots, kernelHeatmaps, kernelLinePlots } from './plots.js';

beforeAll(useCpu);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('extractKernels', () => {
  it('equals bigsKernel of each layer’s parameters and the float64 reference', () => {
    const model = tinyModel('bigs');
    const k = extractKernels(model, { length: 12 });
    const k64 = extractKernels(model, { length: 12, precision: 'float64' });
    expect(k.kind).toBe('ssm');
    if (k.kind !== 'ssm' || k64.kind !== 'ssm') return;
    expect(k.layers.map((l) => l.layer)).toEqual([0, 1]);
    modelBlocks(model).forEach((block, i) => {
      const r = block.routing as BiSSMRouting;
      expect(r).toBeInstanceOf(BiSSMRouting);
      for (const [dir, s4] of [
        ['forward', r.fs4],
        ['backward', r.bs4],
      ] as const) {
        const params = { aRe: s4.aRe, aIm: s4.aIm, c: s4.c, d: s4.d, logStep: s4.logStep };
        const ref = tf.tidy(() => bigsKernel(params, 12).dataSync());
        const ref64 = bigsKernelF64(bigsParamsToHost(params), 12);
        expect(maxDiff(k.layers[i]![dir], ref)).toBe(0);
        expect(maxDiff(k64.layers[i]![dir], ref64)).toBe(0);
        const scale = Math.max(...Array.from(ref64, Math.abs));
        expect(maxDiff(k.layers[i]![dir], ref64) / scale).toBeLessThan(1e-5);
      }
      expect(k.layers[i]!.dForward).toBe(r.fs4.d.dataSync()[0]);
      expect(k.layers[i]!.stepBackward).toBeCloseTo(Math.exp(r.bs4.logStep.dataSync()[0]!), 6);
    });
    model.dispose();
  });
  it('selects layers, defaults to L = P, validates', () => {
    const model = tinyModel('bigs');
    const k = extractKernels(model, { layers: [1] });
    expect(k.kind === 'ssm' && k.length).toBe(16);
    expect(k.kind === 'ssm' && k.layers.map((l) => l.layer)).toEqual([1]);
    expect(() => extractKernels(model, { layers: [2] })).toThrow(
      /layer 2 is out of range; the model has blocks 0..1/,
    );
    expect(() => extractKernels(model, { length: 0 })).toThrow(/length must be an integer >= 1/);
    model.dispose();
  });
  it('attention models have no kernels', () => {
    const model = tinyModel('bert');
    const k = extractKernels(model);
    expect(k).toEqual({ kind: 'none', routing: 'attention', reason: NO_SSM_KERNELS });
    model.dispose();
  });
});

describe('static interaction maps', () => {
  it('forward lower-triangular, backward upper, K[0] + D on the diagonal, Toeplitz', () => {
    const model = tinyModel('bigs');
    const k = extractKernels(model, { length: 10 });
    if (k.kind !== 'ssm') throw new Error('expected kernels');
    const lk = k.layers[0]!;
    const m = staticInteractionMaps(lk, 8);
    const L = 8;
    for (let t = 0; t < L; t++) {
      for (let s = 0; s < L; s++) {
        const i = t * L + s;
        if (s > t) expect(m.forward[i]).toBe(0);
        if (s < t) {
          expect(m.backward[i]).toBe(0);
          expect(m.forward[i]).toBe(lk.forward[t - s]);
        }
        if (s > t) expect(m.backward[i]).toBe(lk.backward[s - t]);
        if (s === t) {
          expect(m.forward[i]).toBe(lk.forward[0]! + lk.dForward);
          expect(m.backward[i]).toBe(lk.backward[0]! + lk.dBackward);
        }
        expect(m.combined[i]).toBe(m.forward[i]! + m.backward[i]!);
        if (t > 0 && s > 0) {
          expect(m.forward[i]).toBe(m.forward[(t - 1) * L + (s - 1)]); // Toeplitz
          expect(m.backward[i]).toBe(m.backward[(t - 1) * L + (s - 1)]);
        }
      }
    }
    expect(() => staticInteractionMaps(lk, 11)).toThrow(/exceeds the extracted kernel length 10/);
    model.dispose();
  });
  it('M_f·u and M_b·u are exactly the layer’s causal and anticausal convolutions', () => {
    const model = tinyModel('bigs');
    const L = 9;
    const H = 3;
    const k = extractKernels(model, { length: L });
    if (k.kind !== 'ssm') throw new Error('expected kernels');
    const r = modelBlocks(model)[1]!.routing as BiSSMRouting;
    const m = staticInteractionMaps(k.layers[1]!);
    const u = tf.randomNormal([1, L, H], 0, 1, 'float32', 3) as tf.Tensor3D; // [1, L, H]
    const uv = u.dataSync();
    for (const [dir, s4, M] of [
      ['causal', r.fs4, m.forward],
      ['anticausal', r.bs4, m.backward],
    ] as const) {
      const y = tf.tidy(() => s4.forward(u, dir).dataSync()); // [1, L, H]
      const ref = new Float64Array(L * H);
      for (let t = 0; t < L; t++)
        for (let s = 0; s < L; s++)
          for (let h = 0; h < H; h++) ref[t * H + h]! += M[t * L + s]! * uv[s * H + h]!;
      expect(maxDiff(y, ref)).toBeLessThan(1e-5);
    }
    u.dispose();
    model.dispose();
  });
  it('kernel stats and plots', () => {
    const s = kernelStats([1, 0.5, 0.25, 0.25]);
    expect(s).toMatchObject({ peakDistance: 0, reach50: 0, reach90: 3, l1: 2, fractionNegative: 0 });
    const model = tinyModel('bigs');
    const k = extractKernels(model, { length: 16 });
    if (k.kind !== 'ssm') throw new Error('expected kernels');
    for (const svg of [kernelLinePlots(k), kernelHeatmaps(k), interactionMapPlots(k, 1, 8)]) parseXml(svg);
    expect(() => interactionMapPlots(k, 5, 8)).toThrow(/layer 5 was not extracted/);
    model.dispose();
  });
});
