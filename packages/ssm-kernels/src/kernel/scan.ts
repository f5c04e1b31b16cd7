/**
 * The recurrent (scan) form of the SSM layers in float64: the test oracle for kernels and convolutions.
 *
 *   x_k = exp(ΔA) ⊙ x_{k−1} + (exp(ΔA) − 1)/A · u_k,   y_k = scale·Re(Σ_n C_n x_{k,n}) + D·u_k
 *
 * 'causal' runs k = 0 … L−1; 'anticausal' runs the same recurrence from the end (k = L−1 … 0), which
 * equals flip → causal → flip.
 */
import type { BiGSSSMHostParams, S4DHostParams } from './params.js';
import { checkBiGSHost, checkPositiveInt, checkS4DHost } from './params.js';
import type { ModesF64 } from './reference.js';
import { s4dModesF64, zohModesF64 } from './reference.js';

/** Direction of a scan. */
export type ScanDirection = 'causal' | 'anticausal';

function checkScanArgs(
  where: string,
  u: ArrayLike<number>,
  b: number,
  l: number,
  h: number,
  dir: string,
): void {
  checkPositiveInt(where, 'B', b);
  checkPositiveInt(where, 'L', l);
  checkPositiveInt(where, 'H', h);
  if (u === undefined || u === null || u.length !== b * l * h) {
    throw new Error(
      `${where}: u must have B*L*H = ${b * l * h} entries ([${b}, ${l}, ${h}]), got ${u?.length}`,
    );
  }
  if (dir !== 'causal' && dir !== 'anticausal') {
    throw new Error(`${where}: direction must be 'causal' | 'anticausal', got ${JSON.stringify(dir)}`);
  }
}

/** One channel's recurrence over [B, L, H] data at channel `ch`, accumulating into y. */
function scanChannel(
  md: ModesF64,
  cRe: ArrayLike<number>,
  cIm: ArrayLike<number>,
  scale: number,
  d: number,
  u: ArrayLike<number>,
  y: Float64Array,
  b: number,
  l: number,
  h: number,
  ch: number,
  anticausal: boolean,
): void {
  const m = md.zRe.length;
  const xr = new Float64Array(m); // [M]
  const xi = new Float64Array(m); // [M]
  for (let bi = 0; bi < b; bi++) {
    xr.fill(0);
    xi.fill(0);
    for (let s = 0; s < l; s++) {
      const k = anticausal ? l - 1 - s : s;
      const idx = (bi * l + k) * h + ch;
      const uk = u[idx]!;
      let acc = 0;
      for (let j = 0; j < m; j++) {
        const zr = md.zRe[j]!;
        const zi = md.zIm[j]!;
        const nr = zr * xr[j]! - zi * xi[j]! + md.bRe[j]! * uk;
        const ni = zr * xi[j]! + zi * xr[j]! + md.bIm[j]! * uk;
        xr[j] = nr;
        xi[j] = ni;
        acc += cRe[j]! * nr - cIm[j]! * ni;
      }
      y[idx] = scale * acc + d * uk;
    }
  }
}

/**
 * Recurrent form of one BiGS S4D layer (shared kernel, scalar D) applied to every channel of u.
 *
 * @param u - input [B, L, H], row-major.
 * @returns y [B, L, H] (Float64Array). Causal y equals `K * u + D·u` with K = `bigsKernelF64(params, L)`.
 * @example
 * ```ts
 * const y = scanBiGS(initBiGSSSM(64), u, 2, 128, 16, 'causal'); // u [2, 128, 16] → y Float64Array [2, 128, 16]
 * ```
 */
export function scanBiGS(
  params: BiGSSSMHostParams,
  u: Float64Array | Float32Array,
  B: number,
  L: number,
  H: number,
  direction: ScanDirection,
): Float64Array {
  const n = checkBiGSHost('scanBiGS', params);
  checkScanArgs('scanBiGS', u, B, L, H, direction);
  const aRe = Array.from(params.aRe.values, (v) => Math.min(v, -1e-4)); // [N]
  const md = zohModesF64(aRe, params.aIm.values, Math.exp(params.logStep.values[0]!)); // [N]
  const cRe = new Float64Array(n); // [N]
  const cIm = new Float64Array(n); // [N]
  for (let i = 0; i < n; i++) {
    cRe[i] = params.c.values[2 * i]!;
    cIm[i] = params.c.values[2 * i + 1]!;
  }
  const d = params.d.values[0]!;
  const y = new Float64Array(B * L * H); // [B, L, H]
  for (let ch = 0; ch < H; ch++)
    scanChannel(md, cRe, cIm, 1, d, u, y, B, L, H, ch, direction === 'anticausal');
  return y;
}

/**
 * Recurrent form of a standard per-channel S4D layer (H kernels, M = N/2 modes, 2·Re, per-channel D).
 *
 * @param u - input [B, L, H], row-major; H must equal the parameters' channel count.
 * @returns y [B, L, H] (Float64Array). Causal y[:, :, h] equals `K[h] * u[:, :, h] + D[h]·u` with K = `s4dKernelF64`.
 * @example
 * ```ts
 * const y = scanS4D(initS4D(16, 64), u, 2, 128, 16, 'anticausal'); // u [2, 128, 16] → y Float64Array [2, 128, 16]
 * ```
 */
export function scanS4D(
  params: S4DHostParams,
  u: Float64Array | Float32Array,
  B: number,
  L: number,
  H: number,
  direction: ScanDirection,
): Float64Array {
  const [h, m] = checkS4DHost('scanS4D', params);
  checkScanArgs('scanS4D', u, B, L, H, direction);
  if (H !== h) throw new Error(`scanS4D: H must equal the parameters' channel count ${h}, got ${H}`);
  const rows = s4dModesF64(params, h, m);
  const y = new Float64Array(B * L * H); // [B, L, H]
  for (let ch = 0; ch < H; ch++) {
    const cRe = new Float64Array(m); // [M]
    const cIm = new Float64Array(m); // [M]
    for (let j = 0; j < m; j++) {
      cRe[j] = params.c.values[(ch * m + j) * 2]!;
      cIm[j] = params.c.values[(ch * m + j) * 2 + 1]!;
    }
    scanChannel(rows[ch]!, cRe, cIm, 2, params.d.values[ch]!, u, y, B, L, H, ch, direction === 'anticausal');
  }
  return y;
}
