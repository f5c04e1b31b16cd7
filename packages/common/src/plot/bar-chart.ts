import { seriesColor } from './colormap.js';
import { c, checkFinite, escapeXml, fmtTick, svgDocument, text } from './svg.js';
import { niceTicks } from './ticks.js';

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  /** One group of bars per category (e.g. layer names). */
  categories: readonly string[];
  /** One bar per series in each group; `values.length` = number of categories. */
  series: { name: string; values: ArrayLike<number>; color?: string }[];
  xLabel: string;
  yLabel: string;
  /** Fixed y range (default [min(0, data), max(data)] with nice ticks). */
  yRange?: [number, number];
  /** Horizontal reference lines (e.g. a majority-class baseline). */
  refLines?: { name: string; y: number; color?: string }[];
  width?: number;
  height?: number;
}

const WHERE = 'barChart';

/** The value range [min(0, data), max(data, reference lines)], checking lengths and finiteness. */
function barRange(options: BarChartOptions): [number, number] {
  let lo = 0;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of options.series) {
    if (s.values.length !== options.categories.length) {
      throw new Error(
        `${WHERE}: series '${s.name}' has ${s.values.length} values, expected ${options.categories.length}`,
      );
    }
    for (let i = 0; i < s.values.length; i++) {
      checkFinite(WHERE, `series '${s.name}' values[${i}]`, s.values[i]!);
      lo = Math.min(lo, s.values[i]!);
      hi = Math.max(hi, s.values[i]!);
    }
  }
  for (const r of options.refLines ?? []) hi = Math.max(hi, r.y);
  return [lo, hi];
}

interface BarFrame {
  width: number;
  height: number;
  m: { left: number; right: number; top: number; bottom: number };
  pw: number;
  ph: number;
  legendW: number;
  sy: (y: number) => number;
  groupW: number;
  barW: number;
}

/** Sizes, margins (legend at the right when there is more than one item) and the y → pixel map. */
function barFrame(options: BarChartOptions, yt: { min: number; max: number }): BarFrame {
  const { categories, series } = options;
  const legendItems = [...series.map((s) => s.name), ...(options.refLines ?? []).map((r) => r.name)];
  const legendW =
    legendItems.length > 1 || (options.refLines ?? []).length > 0
      ? 40 + 7 * Math.max(...legendItems.map((s) => s.length))
      : 0;
  const width = options.width ?? Math.max(420, 90 + categories.length * (18 * series.length + 14)) + legendW;
  const height = options.height ?? 340;
  const m = { left: 60, right: 16 + legendW, top: 36, bottom: 56 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sy = (y: number) => m.top + ph - ((y - yt.min) / (yt.max - yt.min)) * ph;
  const groupW = pw / categories.length;
  return { width, height, m, pw, ph, legendW, sy, groupW, barW: (groupW * 0.8) / series.length };
}

/** The bars, one group per category, clipped to the y range, each with its value as tooltip. */
function bars(options: BarChartOptions, f: BarFrame, yt: { min: number; max: number }): string[] {
  const body: string[] = [];
  options.series.forEach((s, si) => {
    body.push(`<g fill="${s.color ?? seriesColor(si)}">`);
    for (let i = 0; i < options.categories.length; i++) {
      const v = s.values[i]!;
      const x = f.m.left + i * f.groupW + f.groupW * 0.1 + si * f.barW;
      const ya = f.sy(Math.max(0, Math.min(v, yt.max)));
      const yb = f.sy(Math.max(yt.min, Math.min(0, v)));
      body.push(
        `<rect x="${c(x)}" y="${c(Math.min(ya, yb))}" width="${c(Math.max(1, f.barW - 1))}" height="${c(Math.abs(yb - ya))}"><title>${escapeXml(`${options.categories[i]} · ${s.name}: ${fmtTick(v)}`)}</title></rect>`,
      );
    }
    body.push('</g>');
  });
  return body;
}

/** Frame, y ticks, category labels (thinned to fit) and axis labels. */
function barAxes(options: BarChartOptions, f: BarFrame, ticks: number[]): string[] {
  const { m, pw, ph, sy } = f;
  const body = [
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444"/>`,
  ];
  for (const t of ticks) {
    body.push(
      `<line x1="${c(m.left - 5)}" x2="${c(m.left)}" y1="${c(sy(t))}" y2="${c(sy(t))}" stroke="#444"/>`,
    );
    body.push(text(m.left - 8, sy(t) + 4, fmtTick(t), { size: 11, anchor: 'end' }));
  }
  const step = Math.ceil(options.categories.length / Math.max(1, Math.floor(pw / 40)));
  options.categories.forEach((cat, i) => {
    if (i % step !== 0) return;
    body.push(text(m.left + (i + 0.5) * f.groupW, m.top + ph + 16, cat, { size: 11, anchor: 'middle' }));
  });
  body.push(text(m.left + pw / 2, f.height - 12, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(16, m.top + ph / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  return body;
}

/** Legend: a swatch per series, a dashed sample per reference line. */
function barLegend(options: BarChartOptions, f: BarFrame): string[] {
  const lx = f.m.left + f.pw + 16;
  const body: string[] = [];
  options.series.forEach((s, si) => {
    const ly = f.m.top + 8 + si * 18;
    body.push(
      `<rect x="${c(lx)}" y="${c(ly - 6)}" width="14" height="12" fill="${s.color ?? seriesColor(si)}"/>`,
    );
    body.push(text(lx + 20, ly + 4, s.name, { size: 11 }));
  });
  (options.refLines ?? []).forEach((r, ri) => {
    const ly = f.m.top + 8 + (options.series.length + ri) * 18;
    body.push(
      `<line x1="${c(lx)}" x2="${c(lx + 14)}" y1="${c(ly)}" y2="${c(ly)}" stroke="${r.color ?? '#333'}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    );
    body.push(text(lx + 20, ly + 4, r.name, { size: 11 }));
  });
  return body;
}

/**
 * Grouped bar chart as a standalone SVG string, with optional dashed reference lines and a legend.
 *
 * @example
 * barChart({ title: 'Probe accuracy', categories: ['emb', 'L1'], series: [{ name: 'UPOS', values: [0.5, 0.8] }], xLabel: 'layer', yLabel: 'accuracy' });
 */
export function barChart(options: BarChartOptions): string {
  const { categories, series } = options;
  if (categories.length === 0) throw new Error(`${WHERE}: categories must not be empty`);
  if (series.length === 0) throw new Error(`${WHERE}: series must not be empty`);
  const dataRange = barRange(options);
  const [y0, y1] = options.yRange ?? dataRange;
  const yt = niceTicks(y0, y1, 5);
  const f = barFrame(options, yt);
  const { m, pw, sy } = f;
  const body: string[] = [
    text(f.width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }),
  ];
  body.push('<g stroke="#e6e6e6">');
  for (const t of yt.ticks)
    body.push(`<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(t))}" y2="${c(sy(t))}"/>`);
  body.push('</g>', ...bars(options, f, yt));
  for (const r of options.refLines ?? []) {
    body.push(
      `<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(r.y))}" y2="${c(sy(r.y))}" stroke="${r.color ?? '#333'}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
  }
  body.push(...barAxes(options, f, yt.ticks));
  if (f.legendW > 0) body.push(...barLegend(options, f));
  return svgDocument(f.width, f.height, options.title, body);
}
