import type { LayerKernels } from './extract.js';

/** The static token-to-token maps one block's SSM kernels imply, each row-major [L, L] (row t = output position). */
export interface StaticInteractionMaps {
  length: number;
  layer: number;
  /** M_f[t, s] = K_f[t−s] for s < t, K_f[0] + D_f for s = t, 0 for s > t (lower triangular, Toeplitz). */
  forward: Float64Array;
  /** M_b[t, s] = K_b[s−t] for s > t, K_b[0] + D_b for s = t, 0 for s < t (upper triangular, Toeplitz). */
  backward: Float64Array;
  /** M_f + M_b: what each position can read from in either direction (see the TSDoc of {@link staticInteractionMaps}). */
  combined: Float64Array;
}

/**
 * The static interaction maps of one block at length L (docs/guide/architecture.md#static-interaction-maps): y_f = M_f·u and y_b = M_b·u are exactly the
 * forward (causal) and backward (anticausal) SSM convolutions including the skip D, per channel (the kernel is shared
 * by every channel). These are the token-to-token weights **before** the position-wise projections and gates; in the
 * block the two directions are multiplied element-wise after separate projections, so `combined` (their sum) is a
 * picture of the reach of the layer, not an operator of the block.
 *
 * @param length - map size L (≤ the kernels' length; default: the kernels' length).
 * @example
 * const m = staticInteractionMaps(kernels.layers[0], 32); // forward/backward/combined: Float64Array [32 * 32]
 */
export function staticInteractionMaps(k: LayerKernels, length = k.forward.length): StaticInteractionMaps {
  const where = 'staticInteractionMaps';
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`${where}: length must be an integer >= 1, got ${String(length)}`);
  }
  if (length > k.forward.length || length > k.backward.length) {
    throw new Error(
      `${where}: length ${length} exceeds the extracted kernel length ${k.forward.length}; extract kernels at length >= ${length}`,
    );
  }
  const L = length;
  const forward = new Float64Array(L * L); // [L, L]
  const backward = new Float64Array(L * L); // [L, L]
  const combined = new Float64Array(L * L); // [L, L]
  for (let t = 0; t < L; t++) {
    for (let s = 0; s < L; s++) {
      const i = t * L + s;
      if (s <= t) forward[i] = k.forward[t - s]! + (s === t ? k.dForward : 0);
      if (s >= t) backward[i] = k.backward[s - t]! + (s === t ? k.dBackward : 0);
      combined[i] = forward[i]! + backward[i]!;
    }
  }
  return { length: L, layer: k.layer, forward, backward, combined };
}

/**
 * Summary numbers of a kernel: where |K| peaks, the distance by which the cumulative |K| mass reaches 50 % / 90 %
 * (an "effective reach"), and the signs.
 *
 * @example
 * kernelStats(Float64Array.from([1, 0.5, 0.25])); // { peakDistance: 0, reach50: 0, reach90: 2, ... }
 */
export function kernelStats(kernel: ArrayLike<number>): {
  peakDistance: number;
  peakValue: number;
  reach50: number;
  reach90: number;
  l1: number;
  fractionNegative: number;
} {
  let l1 = 0;
  let peak = 0;
  let neg = 0;
  for (let d = 0; d < kernel.length; d++) {
    const a = Math.abs(kernel[d]!);
    l1 += a;
    if (a > Math.abs(kernel[peak]!)) peak = d;
    if (kernel[d]! < 0) neg++;
  }
  let cum = 0;
  let r50 = kernel.length - 1;
  let r90 = kernel.length - 1;
  let got50 = false;
  for (let d = 0; d < kernel.length; d++) {
    cum += Math.abs(kernel[d]!);
    if (!got50 && cum >= 0.5 * l1) {
      r50 = d;
      got50 = true;
    }
    if (cum >= 0.9 * l1) {
      r90 = d;
      break;
    }
  }
  return {
    peakDistance: peak,
    peakValue: kernel[peak] ?? 0,
    reach50: r50,
    reach90: r90,
    l1,
    fractionNegative: kernel.length ? neg / kernel.length : 0,
  };
}
