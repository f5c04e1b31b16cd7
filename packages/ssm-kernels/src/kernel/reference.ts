/**
 * Float64 plain-TS references (no tfjs) of both kernels, computed directly with exp/cos/sin per (mode, l)
 * (independent of the recurrence used by the custom op).
 */
import type { BiGSSSMHostParams, S4DHostParams } from './params.js';
import { checkBiGSHost, checkPositiveInt, checkS4DHost } from './params.js';

/** Float64 ZOH modes: z = exp(ΔA), b = (exp(ΔA) − 1)/A, each [M] as real/imag arrays. */
export interface ModesF64 {
  zRe: Float64Array;
  zIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
  /** Re(ΔA) and Im(ΔA) (for direct powers exp(l·ΔA)). */
  dr: Float64Array;
  di: Float64Array;
}

/**
 * ZOH (B = 1) discretisation in float64 for A = aRe + i·aIm and scalar step dt.
 * @example
 * ```ts
 * const m = zohModesF64([-0.5], [1], 0.1); // each field Float64Array [1]
 * ```
 */
export function zohModesF64(aRe: ArrayLike<number>, aIm: ArrayLike<number>, dt: number): ModesF64 {
  const m = aRe.length;
  const out: ModesF64 = {
    zRe: new Float64Array(m),
    zIm: new Float64Array(m),
    bRe: new Float64Array(m),
    bIm: new Float64Array(m),
    dr: new Float64Array(m),
    di: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const ar = aRe[i]!;
    const ai = aIm[i]!;
    const dr = dt * ar;
    const di = dt * ai;
    const mag = Math.exp(dr);
    const zr = mag * Math.cos(di);
    const zi = mag * Math.sin(di);
    const s = Math.sin(di / 2);
    const nr = Math.expm1(dr) * Math.cos(di) - 2 * s * s; // Re(z − 1) without cancellation
    const ni = zi;
    const den = ar * ar + ai * ai;
    out.zRe[i] = zr;
    out.zIm[i] = zi;
    out.bRe[i] = (nr * ar + ni * ai) / den;
    out.bIm[i] = (ni * ar - nr * ai) / den;
    out.dr[i] = dr;
    out.di[i] = di;
  }
  return out;
}

function directKernelRow(
  cRe: ArrayLike<number>,
  cIm: ArrayLike<number>,
  md: ModesF64,
  length: number,
  scale: number,
  out: Float64Array,
  offset: number,
): void {
  const m = md.zRe.length;
  for (let j = 0; j < m; j++) {
    const pr = cRe[j]! * md.bRe[j]! - cIm[j]! * md.bIm[j]!;
    const pi = cRe[j]! * md.bIm[j]! + cIm[j]! * md.bRe[j]!;
    for (let l = 0; l < length; l++) {
      const mag = Math.exp(l * md.dr[j]!);
      const ang = l * md.di[j]!;
      out[offset + l] = out[offset + l]! + scale * mag * (pr * Math.cos(ang) - pi * Math.sin(ang));
    }
  }
}

/**
 * Float64 reference of {@link bigsKernel}: K[l] = Re Σ_n C_n (exp(ΔA_n) − 1)/A_n · exp(l·ΔA_n),
 * A_n = min(A_re_n, −1e-4) + i·A_im_n, Δ = exp(logStep).
 * @example
 * ```ts
 * const k = bigsKernelF64(initBiGSSSM(64, { seed: 0 }), 128); // Float64Array [128]
 * ```
 */
export function bigsKernelF64(params: BiGSSSMHostParams, length: number): Float64Array {
  const n = checkBiGSHost('bigsKernelF64', params);
  checkPositiveInt('bigsKernelF64', 'length', length);
  const aRe = Array.from(params.aRe.values, (v) => Math.min(v, -1e-4)); // [N]
  const md = zohModesF64(aRe, params.aIm.values, Math.exp(params.logStep.values[0]!)); // [N]
  const cRe = new Float64Array(n); // [N]
  const cIm = new Float64Array(n); // [N]
  for (let i = 0; i < n; i++) {
    cRe[i] = params.c.values[2 * i]!;
    cIm[i] = params.c.values[2 * i + 1]!;
  }
  const out = new Float64Array(length); // [L]
  directKernelRow(cRe, cIm, md, length, 1, out, 0);
  return out;
}

/** Per-channel float64 modes of S4D parameters (A = −exp(logAReal) + i·aImag, Δ_h = exp(logDt[h])). */
export function s4dModesF64(params: S4DHostParams, h: number, m: number): ModesF64[] {
  const rows: ModesF64[] = [];
  for (let r = 0; r < h; r++) {
    const aRe = new Float64Array(m); // [M]
    const aIm = new Float64Array(m); // [M]
    for (let j = 0; j < m; j++) {
      aRe[j] = -Math.exp(params.logAReal.values[r * m + j]!);
      aIm[j] = params.aImag.values[r * m + j]!;
    }
    rows.push(zohModesF64(aRe, aIm, Math.exp(params.logDt.values[r]!)));
  }
  return rows;
}

/**
 * Float64 reference of {@link s4dKernel}: K[h, l] = 2·Re Σ_m C[h,m] (exp(Δ_h A[h,m]) − 1)/A[h,m] · exp(l·Δ_h A[h,m]).
 * @example
 * ```ts
 * const k = s4dKernelF64(initS4D(4, 16, { seed: 0 }), 32); // Float64Array [4, 32] (row-major)
 * ```
 */
export function s4dKernelF64(params: S4DHostParams, length: number): Float64Array {
  const [h, m] = checkS4DHost('s4dKernelF64', params);
  checkPositiveInt('s4dKernelF64', 'length', length);
  const rows = s4dModesF64(params, h, m);
  const out = new Float64Array(h * length); // [H, L]
  for (let r = 0; r < h; r++) {
    const cRe = new Float64Array(m); // [M]
    const cIm = new Float64Array(m); // [M]
    for (let j = 0; j < m; j++) {
      cRe[j] = params.c.values[(r * m + j) * 2]!;
      cIm[j] = params.c.values[(r * m + j) * 2 + 1]!;
    }
    directKernelRow(cRe, cIm, rows[r]!, length, 2, out, r * length);
  }
  return out;
}
