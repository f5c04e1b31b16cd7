import { heatmap } from '@bigs/common';
import type { SensitivityMap } from './sensitivity.js';

/**
 * Heat map of a row-normalised sensitivity map (sequential colour map), rows = output positions, columns = input
 * positions, labelled with tokens when given (one label per position 0 … L−1).
 *
 * @example
 * const svg = sensitivityPlot(map, { title: 'BiGS, last layer', tokens });
 */
export function sensitivityPlot(
  map: SensitivityMap,
  options: { title: string; tokens?: readonly string[]; columns?: readonly number[] } = {
    title: 'sensitivity',
  },
): string {
  const cols = options.columns ? [...options.columns] : Array.from({ length: map.length }, (_, i) => i);
  const values = new Float64Array(map.positions.length * cols.length); // [P, C]
  map.positions.forEach((_, p) => {
    cols.forEach((s, j) => {
      values[p * cols.length + j] = map.normalized[p * map.length + s]!;
    });
  });
  const tok = options.tokens;
  return heatmap({
    title: options.title,
    values,
    rows: map.positions.length,
    cols: cols.length,
    xLabel: 'input position s (embedding e_s)',
    yLabel: 'output position t',
    colorbarLabel: '‖∂h_t/∂e_s‖ / row sum',
    colormap: 'sequential',
    range: [0, values.reduce((m, v) => Math.max(m, v), 1e-12)],
    ...(tok ? { xTickLabels: cols.map((s) => tok[s] ?? String(s)) } : {}),
    ...(tok ? { yTickLabels: map.positions.map((t) => tok[t] ?? String(t)) } : {}),
    size: 420,
  });
}
