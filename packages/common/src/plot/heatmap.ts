import { type ColormapName, colorAt } from './colormap.js';
import { c, fmtTick, svgDocument, text } from './svg.js';
import { indexTicks, niceTicks } from './ticks.js';

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  title: string;
  /** Row-major values `[rows, cols]` (NaN = no value, drawn grey). */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  xLabel: string;
  yLabel: string;
  /** Label of the colour bar. */
  colorbarLabel: string;
  /** `diverging` (default; symmetric around 0) or `sequential`. */
  colormap?: ColormapName;
  /** Colour range; default symmetric ±max|v| (diverging) or [min, max] (sequential). */
  range?: [number, number];
  /** Tick labels per column / row (e.g. tokens); default: indices. Only used when not downsampled. */
  xTickLabels?: readonly string[];
  yTickLabels?: readonly string[];
  /** First index shown on each axis (default 0; e.g. 1 when rows are layers 1…n). */
  xStart?: number;
  yStart?: number;
  /** Largest number of cells per side drawn; larger maps are block-averaged (default 160). */
  maxCells?: number;
  /** Target size of the map area in px (default 480). */
  size?: number;
}

/** Block-average a row-major matrix by integer factors (NaN-aware). */
export function downsample(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  fr: number,
  fc: number,
): { values: Float64Array; rows: number; cols: number } {
  const r2 = Math.ceil(rows / fr);
  const c2 = Math.ceil(cols / fc);
  const out = new Float64Array(r2 * c2);
  for (let i = 0; i < r2; i++) {
    for (let j = 0; j < c2; j++) {
      let s = 0;
      let n = 0;
      for (let a = i * fr; a < Math.min(rows, (i + 1) * fr); a++) {
        for (let b = j * fc; b < Math.min(cols, (j + 1) * fc); b++) {
          const v = values[a * cols + b]!;
          if (!Number.isNaN(v)) {
            s += v;
            n++;
          }
        }
      }
      out[i * c2 + j] = n > 0 ? s / n : Number.NaN;
    }
  }
  return { values: out, rows: r2, cols: c2 };
}

const WHERE = 'heatmap';

/** Throws unless the sizes, the values and the tick labels agree. */
function checkHeatmap(options: HeatmapOptions): void {
  const { rows, cols } = options;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new Error(`${WHERE}: rows and cols must be integers >= 1, got ${rows} x ${cols}`);
  }
  if (options.values.length !== rows * cols) {
    throw new Error(
      `${WHERE}: values must have rows*cols = ${rows * cols} entries, got ${options.values.length}`,
    );
  }
  for (const [name, labels, n] of [
    ['xTickLabels', options.xTickLabels, cols],
    ['yTickLabels', options.yTickLabels, rows],
  ] as const) {
    if (labels && labels.length !== n)
      throw new Error(`${WHERE}: ${name} must have ${n} entries, got ${labels.length}`);
  }
}

/** The colour range: `range`, else ±max|v| (diverging) or [min, max] (sequential), widened when empty. */
function colorRange(vals: ArrayLike<number>, cmap: ColormapName, range?: [number, number]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new Error(`${WHERE}: values[${i}] is ${v}`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  let [vmin, vmax] =
    range ??
    ((cmap === 'diverging' ? [-1, 1].map((s) => s * Math.max(Math.abs(lo), Math.abs(hi))) : [lo, hi]) as [
      number,
      number,
    ]);
  if (vmin === vmax) {
    vmin -= cmap === 'diverging' || vmin === 0 ? 1 : Math.abs(vmin) * 0.1;
    vmax += cmap === 'diverging' || vmax === 0 ? 1 : Math.abs(vmax) * 0.1;
    if (cmap === 'sequential' && lo >= 0 && vmin < 0 && lo === hi && lo === 0) vmin = 0;
  }
  return [vmin, vmax];
}

/** Layout of a drawn map: `R × C` cells (after block-averaging) of `cell` px, margins, colour-bar position. */
interface MapLayout {
  R: number;
  C: number;
  cell: number;
  mw: number;
  mh: number;
  left: number;
  top: number;
  width: number;
  height: number;
  tokenX: boolean;
  tokenY: boolean;
  cbX: number;
}

const CB_W = 14;

function layoutOf(options: HeatmapOptions, R: number, C: number, downsampled: boolean): MapLayout {
  const tokenX = !downsampled && options.xTickLabels !== undefined;
  const tokenY = !downsampled && options.yTickLabels !== undefined;
  const longestX = tokenX ? Math.max(...options.xTickLabels!.map((s) => s.length)) : 4;
  const longestY = tokenY ? Math.max(...options.yTickLabels!.map((s) => s.length)) : 4;
  const cell = Math.max(1, Math.min(28, (options.size ?? 480) / Math.max(R, C)));
  const mw = cell * C;
  const mh = cell * R;
  const left = 40 + Math.min(140, 7 * longestY);
  const top = 40;
  const bottom = 36 + (tokenX ? Math.min(120, 6 * longestX) : 18);
  const width = left + mw + 30 + CB_W + 70;
  return {
    R,
    C,
    cell,
    mw,
    mh,
    left,
    top,
    width,
    height: top + mh + bottom,
    tokenX,
    tokenY,
    cbX: left + mw + 30,
  };
}

/** One rectangle per cell (with its value as tooltip on maps of at most 4096 cells) and the frame. */
function cells(
  vals: ArrayLike<number>,
  L: MapLayout,
  cmap: ColormapName,
  tOf: (v: number) => number,
): string[] {
  const body = ['<g shape-rendering="crispEdges">'];
  const tooltips = L.R * L.C <= 4096;
  for (let i = 0; i < L.R; i++) {
    for (let j = 0; j < L.C; j++) {
      const v = vals[i * L.C + j]!;
      const tip = tooltips ? `<title>${Number.isNaN(v) ? 'n/a' : fmtTick(v)}</title>` : '';
      body.push(
        `<rect x="${c(L.left + j * L.cell)}" y="${c(L.top + i * L.cell)}" width="${c(L.cell + 0.05)}" height="${c(L.cell + 0.05)}" fill="${colorAt(cmap, tOf(v))}">${tip}</rect>`,
      );
    }
  }
  body.push('</g>');
  body.push(
    `<rect x="${c(L.left)}" y="${c(L.top)}" width="${c(L.mw)}" height="${c(L.mh)}" fill="none" stroke="#444"/>`,
  );
  return body;
}

/** x ticks: rotated token labels (thinned when cells are small), or index ticks from `xStart`. */
function xTicks(options: HeatmapOptions, L: MapLayout): string[] {
  const { left, top, mh, mw, cell } = L;
  if (L.tokenX) {
    return options.xTickLabels!.flatMap((lab, j) => {
      if (cell < 9 && j % Math.ceil(9 / cell) !== 0) return [];
      const x = left + (j + 0.5) * cell;
      const size = Math.min(11, Math.max(7, cell * 0.8));
      return [
        text(x, top + mh + 8, lab, { size, anchor: 'end', rotate: -60 }).replace('y="', 'dy="0.3em" y="'),
      ];
    });
  }
  return indexTicks(options.cols, 8).flatMap((t) => {
    const x = left + ((t + 0.5) / options.cols) * mw;
    return [
      `<line x1="${c(x)}" x2="${c(x)}" y1="${c(top + mh)}" y2="${c(top + mh + 4)}" stroke="#444"/>`,
      text(x, top + mh + 16, String(t + (options.xStart ?? 0)), { size: 10, anchor: 'middle' }),
    ];
  });
}

/** y ticks: token labels (thinned when cells are small), or index ticks from `yStart`. */
function yTicks(options: HeatmapOptions, L: MapLayout): string[] {
  const { left, top, mh, cell } = L;
  if (L.tokenY) {
    return options.yTickLabels!.flatMap((lab, i) => {
      if (cell < 9 && i % Math.ceil(9 / cell) !== 0) return [];
      const size = Math.min(11, Math.max(7, cell * 0.8));
      return [text(left - 4, top + (i + 0.5) * cell + 3.5, lab, { size, anchor: 'end' })];
    });
  }
  return indexTicks(options.rows, 8).flatMap((t) => {
    const y = top + ((t + 0.5) / options.rows) * mh;
    return [
      `<line x1="${c(left - 4)}" x2="${c(left)}" y1="${c(y)}" y2="${c(y)}" stroke="#444"/>`,
      text(left - 6, y + 3.5, String(t + (options.yStart ?? 0)), { size: 10, anchor: 'end' }),
    ];
  });
}

/** The colour bar at the right: 64 steps, its frame, nice ticks over [vmin, vmax] and its label. */
function colorbar(L: MapLayout, cmap: ColormapName, [vmin, vmax]: [number, number], label: string): string[] {
  const { cbX, top, mh } = L;
  const tOf = (v: number) => (v - vmin) / (vmax - vmin);
  const steps = 64;
  const body = ['<g shape-rendering="crispEdges">'];
  for (let k = 0; k < steps; k++) {
    const y = top + (k / steps) * mh;
    body.push(
      `<rect x="${c(cbX)}" y="${c(y)}" width="${CB_W}" height="${c(mh / steps + 0.5)}" fill="${colorAt(cmap, 1 - (k + 0.5) / steps)}"/>`,
    );
  }
  body.push('</g>');
  body.push(
    `<rect x="${c(cbX)}" y="${c(top)}" width="${CB_W}" height="${c(mh)}" fill="none" stroke="#444"/>`,
  );
  const ct = niceTicks(vmin, vmax, 5).ticks.filter((t) => t >= vmin - 1e-12 && t <= vmax + 1e-12);
  for (const t of ct) {
    const y = top + (1 - tOf(t)) * mh;
    body.push(
      `<line x1="${c(cbX + CB_W)}" x2="${c(cbX + CB_W + 4)}" y1="${c(y)}" y2="${c(y)}" stroke="#444"/>`,
    );
    body.push(text(cbX + CB_W + 6, y + 3.5, fmtTick(t), { size: 10 }));
  }
  body.push(text(cbX + CB_W + 56, top + mh / 2, label, { size: 11, anchor: 'middle', rotate: -90 }));
  return body;
}

/**
 * A heat map as a standalone SVG string: one rectangle per cell, axis labels and ticks (indices or token strings),
 * a colour bar with ticks and label. Diverging maps are centred on 0 (white).
 *
 * @example
 * const svg = heatmap({ title: 'K', values: [1, -1, 0.5, 0], rows: 2, cols: 2, xLabel: 'distance', yLabel: 'layer', colorbarLabel: 'K' });
 */
export function heatmap(options: HeatmapOptions): string {
  checkHeatmap(options);
  const { rows, cols } = options;
  const cmap = options.colormap ?? 'diverging';
  const maxCells = options.maxCells ?? 160;
  const fr = Math.ceil(rows / maxCells);
  const fc = Math.ceil(cols / maxCells);
  const ds = fr > 1 || fc > 1 ? downsample(options.values, rows, cols, fr, fc) : null;
  const vals = ds ? ds.values : options.values;
  const L = layoutOf(options, ds ? ds.rows : rows, ds ? ds.cols : cols, ds !== null);
  const [vmin, vmax] = colorRange(vals, cmap, options.range);
  const tOf = (v: number) => (v - vmin) / (vmax - vmin);
  const body = [
    text(L.width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }),
    ...cells(vals, L, cmap, tOf),
    ...xTicks(options, L),
    ...yTicks(options, L),
    text(L.left + L.mw / 2, L.height - 8, options.xLabel, { size: 12, anchor: 'middle' }),
    text(14, L.top + L.mh / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }),
    ...colorbar(L, cmap, [vmin, vmax], options.colorbarLabel),
  ];
  if (ds) {
    const note = `block-averaged ${fr}×${fc} (${rows}×${cols} → ${L.R}×${L.C})`;
    body.push(text(L.left, L.top - 6, note, { size: 10, fill: '#666' }));
  }
  return svgDocument(L.width, L.height, options.title, body);
}
