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

/**
 * A heat map as a standalone SVG string: one rectangle per cell, axis labels and ticks (indices or token strings),
 * a colour bar with ticks and label. Diverging maps are centred on 0 (white).
 *
 * @example
 * const svg = heatmap({ title: 'K', values: [1, -1, 0.5, 0], rows: 2, cols: 2, xLabel: 'distance', yLabel: 'layer', colorbarLabel: 'K' });
 */
export function heatmap(options: HeatmapOptions): string {
  const where = 'heatmap';
  const { rows, cols } = options;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new Error(`${where}: rows and cols must be integers >= 1, got ${rows} x ${cols}`);
  }
  if (options.values.length !== rows * cols) {
    throw new Error(
      `${where}: values must have rows*cols = ${rows * cols} entries, got ${options.values.length}`,
    );
  }
  for (const [name, labels, n] of [
    ['xTickLabels', options.xTickLabels, cols],
    ['yTickLabels', options.yTickLabels, rows],
  ] as const) {
    if (labels && labels.length !== n)
      throw new Error(`${where}: ${name} must have ${n} entries, got ${labels.length}`);
  }
  const cmap = options.colormap ?? 'diverging';
  const maxCells = options.maxCells ?? 160;
  const fr = Math.ceil(rows / maxCells);
  const fc = Math.ceil(cols / maxCells);
  const ds = fr > 1 || fc > 1 ? downsample(options.values, rows, cols, fr, fc) : null;
  const vals = ds ? ds.values : options.values;
  const R = ds ? ds.rows : rows;
  const C = ds ? ds.cols : cols;

  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new Error(`${where}: values[${i}] is ${v}`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  let [vmin, vmax] =
    options.range ??
    ((cmap === 'diverging' ? [-1, 1].map((s) => s * Math.max(Math.abs(lo), Math.abs(hi))) : [lo, hi]) as [
      number,
      number,
    ]);
  if (vmin === vmax) {
    vmin -= cmap === 'diverging' || vmin === 0 ? 1 : Math.abs(vmin) * 0.1;
    vmax += cmap === 'diverging' || vmax === 0 ? 1 : Math.abs(vmax) * 0.1;
    if (cmap === 'sequential' && lo >= 0 && vmin < 0 && lo === hi && lo === 0) vmin = 0;
  }
  const tOf = (v: number) => (v - vmin) / (vmax - vmin);

  const tokenX = !ds && options.xTickLabels !== undefined;
  const tokenY = !ds && options.yTickLabels !== undefined;
  const longestX = tokenX ? Math.max(...options.xTickLabels!.map((s) => s.length)) : 4;
  const longestY = tokenY ? Math.max(...options.yTickLabels!.map((s) => s.length)) : 4;
  const size = options.size ?? 480;
  const cell = Math.max(1, Math.min(28, size / Math.max(R, C)));
  const mw = cell * C;
  const mh = cell * R;
  const left = 40 + Math.min(140, 7 * longestY);
  const top = 40;
  const bottom = 36 + (tokenX ? Math.min(120, 6 * longestX) : 18);
  const cbW = 14;
  const width = left + mw + 30 + cbW + 70;
  const height = top + mh + bottom;
  const body: string[] = [];
  body.push(text(width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }));
  body.push(`<g shape-rendering="crispEdges">`);
  const tooltips = R * C <= 4096;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const v = vals[i * C + j]!;
      const fill = colorAt(cmap, tOf(v));
      const tip = tooltips ? `<title>${Number.isNaN(v) ? 'n/a' : fmtTick(v)}</title>` : '';
      body.push(
        `<rect x="${c(left + j * cell)}" y="${c(top + i * cell)}" width="${c(cell + 0.05)}" height="${c(cell + 0.05)}" fill="${fill}">${tip}</rect>`,
      );
    }
  }
  body.push('</g>');
  body.push(
    `<rect x="${c(left)}" y="${c(top)}" width="${c(mw)}" height="${c(mh)}" fill="none" stroke="#444"/>`,
  );
  // x ticks
  const xs = options.xStart ?? 0;
  const ys = options.yStart ?? 0;
  if (tokenX) {
    options.xTickLabels!.forEach((lab, j) => {
      if (cell < 9 && j % Math.ceil(9 / cell) !== 0) return;
      const x = left + (j + 0.5) * cell;
      body.push(
        text(x, top + mh + 8, lab, {
          size: Math.min(11, Math.max(7, cell * 0.8)),
          anchor: 'end',
          rotate: -60,
        }).replace('y="', 'dy="0.3em" y="'),
      );
    });
  } else {
    for (const t of indexTicks(cols, 8)) {
      const x = left + ((t + 0.5) / cols) * mw;
      body.push(
        `<line x1="${c(x)}" x2="${c(x)}" y1="${c(top + mh)}" y2="${c(top + mh + 4)}" stroke="#444"/>`,
      );
      body.push(text(x, top + mh + 16, String(t + xs), { size: 10, anchor: 'middle' }));
    }
  }
  if (tokenY) {
    options.yTickLabels!.forEach((lab, i) => {
      if (cell < 9 && i % Math.ceil(9 / cell) !== 0) return;
      body.push(
        text(left - 4, top + (i + 0.5) * cell + 3.5, lab, {
          size: Math.min(11, Math.max(7, cell * 0.8)),
          anchor: 'end',
        }),
      );
    });
  } else {
    for (const t of indexTicks(rows, 8)) {
      const y = top + ((t + 0.5) / rows) * mh;
      body.push(`<line x1="${c(left - 4)}" x2="${c(left)}" y1="${c(y)}" y2="${c(y)}" stroke="#444"/>`);
      body.push(text(left - 6, y + 3.5, String(t + ys), { size: 10, anchor: 'end' }));
    }
  }
  body.push(text(left + mw / 2, height - 8, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(14, top + mh / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  // colour bar
  const cbX = left + mw + 30;
  const steps = 64;
  body.push('<g shape-rendering="crispEdges">');
  for (let k = 0; k < steps; k++) {
    const y = top + (k / steps) * mh;
    body.push(
      `<rect x="${c(cbX)}" y="${c(y)}" width="${cbW}" height="${c(mh / steps + 0.5)}" fill="${colorAt(cmap, 1 - (k + 0.5) / steps)}"/>`,
    );
  }
  body.push('</g>');
  body.push(`<rect x="${c(cbX)}" y="${c(top)}" width="${cbW}" height="${c(mh)}" fill="none" stroke="#444"/>`);
  const ct = niceTicks(vmin, vmax, 5).ticks.filter((t) => t >= vmin - 1e-12 && t <= vmax + 1e-12);
  for (const t of ct) {
    const y = top + (1 - tOf(t)) * mh;
    body.push(
      `<line x1="${c(cbX + cbW)}" x2="${c(cbX + cbW + 4)}" y1="${c(y)}" y2="${c(y)}" stroke="#444"/>`,
    );
    body.push(text(cbX + cbW + 6, y + 3.5, fmtTick(t), { size: 10 }));
  }
  body.push(
    text(cbX + cbW + 56, top + mh / 2, options.colorbarLabel, { size: 11, anchor: 'middle', rotate: -90 }),
  );
  if (ds) {
    body.push(
      text(left, top - 6, `block-averaged ${fr}×${fc} (${rows}×${cols} → ${R}×${C})`, {
        size: 10,
        fill: '#666',
      }),
    );
  }
  return svgDocument(width, height, options.title, body);
}
