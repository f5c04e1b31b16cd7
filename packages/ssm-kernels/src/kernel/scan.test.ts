import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigsKernel } from './bigs-kernel.js';
import { initBiGSSSM, initS4D } from './init.js';
import { bigsParamsToTensors, s4dParamsToTensors } from './params.js';
import { bigsKernelF64, s4dKernelF64 } from './reference.js';
import { s4dKernel } from './s4d-kernel.js';
import { scanBiGS, scanS4D } from './scan.js';
import { maxRelErr, useBackend, weights } from './test-helpers.js';

/** Direct causal / anticausal convolution of one channel (test-local, O(L²)). */
function conv(k: ArrayLike<number>, u: ArrayLike<number>, anticausal: boolean): Float64Array {
  const l = u.length;
  const y = new Float64Array(l);
  for (let t = 0; t < l; t++) {
    let s = 0;
    for (let j = 0; j <= (anticausal ? l - 1 - t : t); j++) s += k[j]! * u[anticausal ? t + j : t - j]!;
    y[t] = s;
  }
  return y;
}

function channel(a: ArrayLike<number>, l: number, h: number, bi: number, ch: number): Float64Array {
  const out = new Float64Array(l);
  for (let t = 0; t < l; t++) out[t] = a[(bi * l + t) * h + ch]!;
  return out;
}

describe('scanBiGS / scanS4D (recurrent oracle)', () => {
  beforeAll(async () => useBackend('cpu'));

  it('BiGS: the impulse response of the scan is K (+ D at lag 0), causal and anticausal', () => {
    const host = initBiGSSSM(64, { seed: 12 });
    host.logStep.values[0] = Math.log(0.03);
    const l = 50;
    const u = new Float64Array(l); // [1, L, 1]
    u[0] = 1;
    const yc = scanBiGS(host, u, 1, l, 1, 'causal'); // [1, L, 1]
    const ua = new Float64Array(l);
    ua[l - 1] = 1;
    const ya = scanBiGS(host, ua, 1, l, 1, 'anticausal'); // [1, L, 1]
    const k64 = bigsKernelF64(host, l); // [L]
    const params = bigsParamsToTensors(host);
    const k32 = bigsKernel(params, l).dataSync(); // [L]
    const d = host.d.values[0]!;
    const kc = Float64Array.from(yc, (v, t) => v - (t === 0 ? d : 0));
    const ka = Float64Array.from({ length: l }, (_, j) => ya[l - 1 - j]! - (j === 0 ? d : 0));
    expect(maxRelErr(kc, k64)).toBeLessThan(1e-12);
    expect(maxRelErr(ka, k64)).toBeLessThan(1e-12);
    expect(maxRelErr(k32, kc)).toBeLessThan(1e-5); // tfjs kernel vs recurrence: 1e-5 relative
    tf.dispose(Object.values(params));
  });

  it('BiGS: scan equals convolution with K plus D·u for B=2, H=3, both directions', () => {
    const host = initBiGSSSM(16, { scaling: 'lin', seed: 4 });
    const [b, l, h] = [2, 23, 3];
    const u = Float32Array.from(weights(b * l * h, 2)); // [B, L, H]
    const k = bigsKernelF64(host, l); // [L]
    const d = host.d.values[0]!;
    for (const dir of ['causal', 'anticausal'] as const) {
      const y = scanBiGS(host, u, b, l, h, dir); // [B, L, H]
      for (let bi = 0; bi < b; bi++) {
        for (let ch = 0; ch < h; ch++) {
          const uc = channel(u, l, h, bi, ch);
          const ref = conv(k, uc, dir === 'anticausal').map((v, t) => v + d * uc[t]!);
          expect(maxRelErr(channel(y, l, h, bi, ch), ref), `${dir} b=${bi} h=${ch}`).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('S4D: per-channel impulse responses equal the per-channel kernels (2·Re), both directions', () => {
    const host = initS4D(3, 16, { seed: 6 });
    const [b, l, h] = [2, 17, 3];
    const u = Float64Array.from(weights(b * l * h, 3)); // [B, L, H]
    const k = s4dKernelF64(host, l); // [H, L]
    const params = s4dParamsToTensors(host);
    const k32 = s4dKernel(params, l).dataSync(); // [H, L]
    expect(maxRelErr(k32, k)).toBeLessThan(1e-5);
    for (const dir of ['causal', 'anticausal'] as const) {
      const y = scanS4D(host, u, b, l, h, dir); // [B, L, H]
      for (let bi = 0; bi < b; bi++) {
        for (let ch = 0; ch < h; ch++) {
          const uc = channel(u, l, h, bi, ch);
          const kc = k.subarray(ch * l, (ch + 1) * l);
          const dch = host.d.values[ch]!;
          const ref = conv(kc, uc, dir === 'anticausal').map((v, t) => v + dch * uc[t]!);
          expect(maxRelErr(channel(y, l, h, bi, ch), ref), `${dir} b=${bi} h=${ch}`).toBeLessThan(1e-12);
        }
      }
    }
    tf.dispose(Object.values(params));
  });

  it('L = 1: y = (Re Σ C·B̄ + D)·u', () => {
    const host = initBiGSSSM(8, { seed: 1 });
    const y = scanBiGS(host, new Float64Array([2]), 1, 1, 1, 'causal');
    expect(y[0]).toBeCloseTo(2 * (bigsKernelF64(host, 1)[0]! + 1), 12);
  });

  it('gives clear errors', () => {
    const host = initBiGSSSM(8);
    const u = new Float64Array(6);
    expect(() => scanBiGS(host, u, 1, 3, 3, 'causal')).toThrow(
      /scanBiGS: u must have B\*L\*H = 9 entries \(\[1, 3, 3\]\), got 6/,
    );
    expect(() => scanBiGS(host, u, 1, 0, 6, 'causal')).toThrow(/scanBiGS: L must be an integer >= 1, got 0/);
    expect(() => scanBiGS(host, u, 1, 6, 1, 'forward' as never)).toThrow(
      /direction must be 'causal' \| 'anticausal'/,
    );
    const bad = { ...host, c: { values: new Float32Array(8), shape: [8] } };
    expect(() => scanBiGS(bad, u, 1, 6, 1, 'causal')).toThrow(
      /scanBiGS: c must have shape \[8, 2\], got \[8\]/,
    );
    const short = { ...host, aIm: { values: new Float32Array(7), shape: [8] } };
    expect(() => bigsKernelF64(short, 4)).toThrow(
      /bigsKernelF64: aIm.values must have 8 entries for shape \[8\], got 7/,
    );
    const s4 = initS4D(2, 4);
    expect(() => scanS4D(s4, u, 1, 2, 3, 'causal')).toThrow(
      /scanS4D: H must equal the parameters' channel count 2, got 3/,
    );
    expect(() => s4dKernelF64(s4, 1.5)).toThrow(/s4dKernelF64: length must be an integer >= 1, got 1.5/);
  });
});
