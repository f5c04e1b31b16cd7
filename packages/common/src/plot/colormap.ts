/** Colour maps for heat maps: a diverging blue–white–red map (signed values) and a sequential map (≥ 0). */

export type ColormapName = 'diverging' | 'sequential';

type Stop = [number, number, number, number]; // [t, r, g, b]

// ColorBrewer RdBu (reversed: negative = blue, positive = red), 9 classes.
const DIVERGING: Stop[] = [
  [0, 33, 102, 172],
  [0.125, 67, 147, 195],
  [0.25, 146, 197, 222],
  [0.375, 209, 229, 240],
  [0.5, 247, 247, 247],
  [0.625, 253, 219, 199],
  [0.75, 244, 165, 130],
  [0.875, 214, 96, 77],
  [1, 178, 24, 43],
];

// Viridis, 9 samples.
const SEQUENTIAL: Stop[] = [
  [0, 68, 1, 84],
  [0.125, 71, 44, 122],
  [0.25, 59, 81, 139],
  [0.375, 44, 113, 142],
  [0.5, 33, 144, 141],
  [0.625, 39, 173, 129],
  [0.75, 92, 200, 99],
  [0.875, 170, 220, 50],
  [1, 253, 231, 37],
];

function hex2(v: number): string {
  return Math.max(0, Math.min(255, Math.round(v)))
    .toString(16)
    .padStart(2, '0');
}

/**
 * Colour of `t` ∈ [0, 1] (clamped; NaN → grey) as `#rrggbb`.
 *
 * @example
 * colorAt('diverging', 0.5); // '#f7f7f7' (white = zero)
 */
export function colorAt(name: ColormapName, t: number): string {
  if (Number.isNaN(t)) return '#bdbdbd';
  const stops = name === 'diverging' ? DIVERGING : SEQUENTIAL;
  const x = Math.max(0, Math.min(1, t));
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1]!;
    const b = stops[i]!;
    if (x <= b[0]) {
      const f = (x - a[0]) / (b[0] - a[0]);
      return `#${hex2(a[1] + f * (b[1] - a[1]))}${hex2(a[2] + f * (b[2] - a[2]))}${hex2(a[3] + f * (b[3] - a[3]))}`;
    }
  }
  const last = stops[stops.length - 1]!;
  return `#${hex2(last[1])}${hex2(last[2])}${hex2(last[3])}`;
}

/** A qualitative palette for line and bar series (Tableau 10). */
export const PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Series colour i (cycles through {@link PALETTE}). */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
