import { gridOfPlots, heatmap, linePlot } from '@bigs/common';
import type { KernelExtraction } from './extract.js';
import { staticInteractionMaps } from './interaction.js';

type SsmKernels = Extract<KernelExtraction, { kind: 'ssm' }>;

/**
 * Kernel value against distance, one small panel per layer with the forward (solid) and backward (dashed) kernel.
 *
 * @example
 * const svg = kernelLinePlots(extractKernels(model)); // SVG string, ceil(layers / cols) rows of panels
 */
export function kernelLinePlots(
  k: SsmKernels,
  options: { cols?: number; maxDistance?: number } = {},
): string {
  if (k.layers.length === 0) throw new Error('kernelLinePlots: no layers extracted');
  const n = Math.min(options.maxDistance ?? k.length, k.length);
  const panels = k.layers.map((l) =>
    linePlot({
      title: `layer ${l.layer}`,
      xLabel: 'distance d (tokens)',
      yLabel: 'K[d]',
      series: [
        { name: 'forward K_f', y: l.forward.subarray(0, n), color: '#4e79a7' },
        { name: 'backward K_b', y: l.backward.subarray(0, n), color: '#e15759', dashed: true },
      ],
      width: 420,
      height: 250,
      legend: true,
    }),
  );
  return gridOfPlots(panels, {
    cols: options.cols ?? (k.layers.length >= 4 ? 3 : k.layers.length),
    title: `SSM kernels by layer (length ${k.length}): forward solid, backward dashed`,
  });
}

/**
 * All layers at once: heat maps layer × distance of K_f and K_b (diverging colour map centred on 0, shared range).
 *
 * @example
 * const svg = kernelHeatmaps(extractKernels(model)); // two panels side by side
 */
export function kernelHeatmaps(k: SsmKernels): string {
  if (k.layers.length === 0) throw new Error('kernelHeatmaps: no layers extracted');
  const rows = k.layers.length;
  const L = k.length;
  let vmax = 0;
  for (const l of k.layers) {
    for (let d = 0; d < L; d++) vmax = Math.max(vmax, Math.abs(l.forward[d]!), Math.abs(l.backward[d]!));
  }
  if (vmax === 0) vmax = 1;
  const panel = (dir: 'forward' | 'backward') => {
    const values = new Float64Array(rows * L); // [layers, L]
    k.layers.forEach((l, i) => {
      values.set(dir === 'forward' ? l.forward : l.backward, i * L);
    });
    return heatmap({
      title: dir === 'forward' ? 'forward kernels K_f' : 'backward kernels K_b',
      values,
      rows,
      cols: L,
      xLabel: 'distance d (tokens)',
      yLabel: 'layer',
      yTickLabels: k.layers.map((l) => String(l.layer)),
      colorbarLabel: 'K[d]',
      range: [-vmax, vmax],
      size: 420,
    });
  };
  return gridOfPlots([panel('forward'), panel('backward')], {
    cols: 2,
    title: `SSM kernels of every layer (layer × distance, length ${L})`,
  });
}

/**
 * The static token-to-token maps of one layer at length L: forward (lower triangular), backward (upper triangular) and
 * combined, as three heat maps (shared diverging range, D on the diagonal).
 *
 * @example
 * const svg = interactionMapPlots(extractKernels(model), 0, 32);
 */
export function interactionMapPlots(k: SsmKernels, layer: number, length: number): string {
  const lk = k.layers.find((l) => l.layer === layer);
  if (!lk) {
    throw new Error(
      `interactionMapPlots: layer ${layer} was not extracted (extracted: ${k.layers.map((l) => l.layer).join(', ')})`,
    );
  }
  const m = staticInteractionMaps(lk, length);
  let vmax = 0;
  for (const v of m.combined) vmax = Math.max(vmax, Math.abs(v));
  for (const v of m.forward) vmax = Math.max(vmax, Math.abs(v));
  for (const v of m.backward) vmax = Math.max(vmax, Math.abs(v));
  if (vmax === 0) vmax = 1;
  const mk = (title: string, values: Float64Array) =>
    heatmap({
      title,
      values,
      rows: length,
      cols: length,
      xLabel: 'input position s',
      yLabel: 'output position t',
      colorbarLabel: 'weight of s on t',
      range: [-vmax, vmax],
      size: 300,
    });
  return gridOfPlots(
    [
      mk('forward: K_f[t−s], s ≤ t', m.forward),
      mk('backward: K_b[s−t], s ≥ t', m.backward),
      mk('combined (sum)', m.combined),
    ],
    {
      cols: 3,
      title: `Layer ${layer}: static token-to-token interactions (L = ${length}, D on the diagonal)`,
    },
  );
}
