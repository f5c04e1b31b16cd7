import { createRng } from '@bigs/common';
import { hippoLegSImag } from './hippo.js';
import type { BiGSSSMHostParams, S4DHostParams } from './params.js';
import { checkPositiveInt } from './params.js';

/** A_im initialisation of the BiGS S4D layer (the official `scaling` config field). */
export type BiGSScaling = 'hippo' | 'inv' | 'lin';

/** Options for {@link initBiGSSSM}. */
export interface BiGSSSMInitOptions {
  /** A_im init; default 'hippo' (the released models). */
  scaling?: BiGSScaling;
  /** PRNG seed (safe integer); default 0. */
  seed?: number;
  /** log-step range [log dtMin, log dtMax]; defaults 0.01 and 1 as in the official code. */
  dtMin?: number;
  dtMax?: number;
}

/**
 * The A_im values of the three BiGS scalings, in float64:
 * - 'hippo': {@link hippoLegSImag} (eigenvalues of the DPLR HiPPO-LegS, ascending ± pairs);
 * - 'lin':   A_im[n] = π·n;
 * - 'inv':   A_im[n] = (N/π)·(N/(2n+1) − 1).
 *
 * @example
 * ```ts
 * bigsAImag(64, 'lin'); // Float64Array [64]: 0, π, 2π, …
 * ```
 */
export function bigsAImag(n: number, scaling: BiGSScaling): Float64Array {
  checkPositiveInt('bigsAImag', 'n', n);
  const out = new Float64Array(n); // [N]
  switch (scaling) {
    case 'hippo':
      return hippoLegSImag(n);
    case 'lin':
      for (let i = 0; i < n; i++) out[i] = Math.PI * i;
      return out;
    case 'inv':
      for (let i = 0; i < n; i++) out[i] = (n / Math.PI) * (n / (2 * i + 1) - 1);
      return out;
    default:
      throw new Error(`bigsAImag: scaling must be 'hippo' | 'inv' | 'lin', got ${JSON.stringify(scaling)}`);
  }
}

/**
 * Initial parameters of one BiGS S4D layer (one direction), as in the official Flax `S4dLayer`:
 * A_re = −0.5 for every mode, A_im by `scaling`, C ~ normal(0, √0.5) per entry of [N, 2], D = 1,
 * log_step ~ U[log 0.01, log 1]. Deterministic given `seed`: C is drawn first (row-major), then log_step.
 *
 * @param n - number of complex modes N (the config's `num_ssm`, 64 in the released models).
 * @example
 * ```ts
 * const p = initBiGSSSM(64, { scaling: 'hippo', seed: 1 });
 * // p.aRe: [64], p.aIm: [64], p.c: [64, 2], p.d: [1], p.logStep: [1]  (Float32Array values)
 * ```
 */
export function initBiGSSSM(n: number, options: BiGSSSMInitOptions = {}): BiGSSSMHostParams {
  checkPositiveInt('initBiGSSSM', 'n', n);
  const { scaling = 'hippo', seed = 0, dtMin = 0.01, dtMax = 1 } = options;
  checkDtRange('initBiGSSSM', dtMin, dtMax);
  const rng = createRng(seed);
  const aIm = Float32Array.from(bigsAImag(n, scaling)); // [N]
  const aRe = new Float32Array(n).fill(-0.5); // [N]
  const c = new Float32Array(2 * n); // [N, 2]
  const std = Math.sqrt(0.5);
  for (let i = 0; i < 2 * n; i++) c[i] = std * rng.normal();
  const logStep = new Float32Array([logUniform(rng.uniform(), dtMin, dtMax)]); // [1]
  return {
    aRe: { values: aRe, shape: [n] },
    aIm: { values: aIm, shape: [n] },
    c: { values: c, shape: [n, 2] },
    d: { values: new Float32Array([1]), shape: [1] },
    logStep: { values: logStep, shape: [1] },
  };
}

/** Options for {@link initS4D}. */
export interface S4DInitOptions {
  /** PRNG seed (safe integer); default 0. */
  seed?: number;
  /** per-channel log-dt range; defaults 0.001 and 0.1 as in state-spaces/s4 `s4d.py`. */
  dtMin?: number;
  dtMax?: number;
}

/**
 * Initial parameters of a standard per-channel S4D kernel (state-spaces/s4 `s4d.py`): H channels,
 * M = N/2 modes, log_dt ~ U[log 0.001, log 0.1] per channel, log_A_real = log 0.5, A_imag = π·m,
 * C complex standard normal (real and imaginary parts each N(0, ½)), D ~ N(0, 1) per channel.
 * Draw order: log_dt [H], then C [H, M, 2] row-major, then D [H].
 *
 * @param h - channels H; @param n - state size N (even; M = N/2 complex modes).
 * @example
 * ```ts
 * const p = initS4D(16, 64, { seed: 3 });
 * // p.logDt: [16], p.logAReal: [16, 32], p.aImag: [16, 32], p.c: [16, 32, 2], p.d: [16]
 * ```
 */
export function initS4D(h: number, n: number, options: S4DInitOptions = {}): S4DHostParams {
  checkPositiveInt('initS4D', 'h', h);
  checkPositiveInt('initS4D', 'n', n);
  if (n % 2 !== 0) throw new Error(`initS4D: n (state size N) must be even (M = N/2 modes), got ${n}`);
  const { seed = 0, dtMin = 0.001, dtMax = 0.1 } = options;
  checkDtRange('initS4D', dtMin, dtMax);
  const m = n / 2;
  const rng = createRng(seed);
  const logDt = new Float32Array(h); // [H]
  for (let i = 0; i < h; i++) logDt[i] = logUniform(rng.uniform(), dtMin, dtMax);
  const c = new Float32Array(h * m * 2); // [H, M, 2]
  const std = Math.sqrt(0.5);
  for (let i = 0; i < c.length; i++) c[i] = std * rng.normal();
  const d = new Float32Array(h); // [H]
  for (let i = 0; i < h; i++) d[i] = rng.normal();
  const logAReal = new Float32Array(h * m).fill(Math.log(0.5)); // [H, M]
  const aImag = new Float32Array(h * m); // [H, M]
  for (let i = 0; i < h; i++) for (let j = 0; j < m; j++) aImag[i * m + j] = Math.PI * j;
  return {
    logDt: { values: logDt, shape: [h] },
    logAReal: { values: logAReal, shape: [h, m] },
    aImag: { values: aImag, shape: [h, m] },
    c: { values: c, shape: [h, m, 2] },
    d: { values: d, shape: [h] },
  };
}

function logUniform(u: number, lo: number, hi: number): number {
  return u * (Math.log(hi) - Math.log(lo)) + Math.log(lo);
}

function checkDtRange(where: string, dtMin: number, dtMax: number): void {
  if (!(dtMin > 0) || !(dtMax >= dtMin) || !Number.isFinite(dtMax)) {
    throw new Error(`${where}: need 0 < dtMin <= dtMax < Infinity, got dtMin=${dtMin}, dtMax=${dtMax}`);
  }
}
