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

/**
 * Grouped bar chart as a standalone SVG string, with optional dashed reference lines and a legend.
 *
 * @example
 * barChart({ title: 'Probe accuracy', categories: ['emb', 'L1'], series: [{ name: 'UPOS', values: [0.5, 0.8] }], xLabel: 'layer', yLabel: 'accuracy' });
 */
export function barChart(options: BarChartOptions): string {
  const where = 'barChart';
  const { categories, series } = options;
  if (categories.length === 0) throw new Error(`${where}: categories must not be empty`);
  if (series.length === 0) throw new Error(`${where}: series must not be empty`);
  let lo = 0;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new Error(
        `${where}: series '${s.name}' has ${s.values.length} values, expected ${categories.length}`,
      );
    }
    for (let i = 0; i < s.values.length; i++) {
      checkFinite(where, `series '${s.name}' values[${i}]`, s.values[i]!);
      lo = Math.min(lo, s.values[i]!);
      hi = Math.max(hi, s.values[i]!);
    }
  }
  for (const r of options.refLines ?? []) hi = Math.max(hi, r.y);
  const [y0, y1] = options.yRange ?? [lo, hi];
  const yt = niceTicks(y0, y1, 5);
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
  const barW = (groupW * 0.8) / series.length;
  const body: string[] = [text(width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' })];
  body.push('<g stroke="#e6e6e6">');
  for (const t of yt.ticks)
    body.push(`<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(t))}" y2="${c(sy(t))}"/>`);
  body.push('</g>');
  series.forEach((s, si) => {
    const color = s.color ?? seriesColor(si);
    body.push(`<g fill="${color}">`);
    for (let i = 0; i < categories.length; i++) {
      const v = s.values[i]!;
      const x = m.left + i * groupW + groupW * 0.1 + si * barW;
      const ya = sy(Math.max(0, Math.min(v, yt.max)));
      const yb = sy(Math.max(yt.min, Math.min(0, v)));
      body.push(
        `<rect x="${c(x)}" y="${c(Math.min(ya, yb))}" width="${c(Math.max(1, barW - 1))}" height="${c(Math.abs(yb - ya))}"><title>${escapeXml(`${categories[i]} · ${s.name}: ${fmtTick(v)}`)}</title></rect>`,
      );
    }
    body.push('</g>');
  });
  for (const r of options.refLines ?? []) {
    const color = r.color ?? '#333';
    body.push(
      `<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(r.y))}" y2="${c(sy(r.y))}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
  }
  body.push(
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444"/>`,
  );
  for (const t of yt.ticks) {
    body.push(
      `<line x1="${c(m.left - 5)}" x2="${c(m.left)}" y1="${c(sy(t))}" y2="${c(sy(t))}" stroke="#444"/>`,
    );
    body.push(text(m.left - 8, sy(t) + 4, fmtTick(t), { size: 11, anchor: 'end' }));
  }
  const step = Math.ceil(categories.length / Math.max(1, Math.floor(pw / 40)));
  categories.forEach((cat, i) => {
    if (i % step !== 0) return;
    body.push(text(m.left + (i + 0.5) * groupW, m.top + ph + 16, cat, { size: 11, anchor: 'middle' }));
  });
  body.push(text(m.left + pw / 2, height - 12, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(16, m.top + ph / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  if (legendW > 0) {
    const lx = m.left + pw + 16;
    series.forEach((s, si) => {
      const ly = m.top + 8 + si * 18;
      body.push(
        `<rect x="${c(lx)}" y="${c(ly - 6)}" width="14" height="12" fill="${s.color ?? seriesColor(si)}"/>`,
      );
      body.push(text(lx + 20, ly + 4, s.name, { size: 11 }));
    });
    (options.refLines ?? []).forEach((r, ri) => {
      const ly = m.top + 8 + (series.length + ri) * 18;
      body.push(
        `<line x1="${c(lx)}" x2="${c(lx + 14)}" y1="${c(ly)}" y2="${c(ly)}" stroke="${r.color ?? '#333'}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      );
      body.push(text(lx + 20, ly + 4, r.name, { size: 11 }));
    });
  }
  return svgDocument(width, height, options.title, body);
}
