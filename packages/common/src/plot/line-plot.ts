import { seriesColor } from './colormap.js';
import { c, checkFinite, escapeXml, fmtTick, svgDocument, text } from './svg.js';
import { niceTicks } from './ticks.js';

/** One line of a {@link linePlot}. */
export interface LineSeries {
  name: string;
  /** y values. */
  y: ArrayLike<number>;
  /** x values (default 0 … n−1). */
  x?: ArrayLike<number>;
  /** `#rrggbb` (default: palette colour of the series index). */
  color?: string;
  /** Dashed stroke. */
  dashed?: boolean;
  /** Draw a dot at each point (default: only when there are ≤ 40 points). */
  markers?: boolean;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  width?: number;
  height?: number;
  /** Fixed y range (default: from the data, with nice ticks). */
  yRange?: [number, number];
  /** Draw a horizontal line at y = 0 when 0 is inside the range (default true). */
  zeroLine?: boolean;
  /** Show the legend (default: when there is more than one series). */
  legend?: boolean;
  /** When every series is empty, draw empty axes with this message instead of throwing. */
  emptyMessage?: string;
}

/** The frame, title, axis labels and a centred message of a plot without data. */
function emptyPlot(
  options: LinePlotOptions,
  width: number,
  height: number,
  m: { left: number; right: number; top: number; bottom: number },
): string {
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  return svgDocument(width, height, options.title, [
    text(width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }),
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444" stroke-width="1"/>`,
    text(m.left + pw / 2, m.top + ph / 2, options.emptyMessage ?? '', { anchor: 'middle', fill: '#888' }),
    text(m.left + pw / 2, height - 10, options.xLabel, { size: 12, anchor: 'middle' }),
    text(16, m.top + ph / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }),
  ]);
}

/**
 * A line plot as a standalone SVG string: axes with nice ticks, axis labels, title, legend at the right.
 *
 * @example
 * const svg = linePlot({ title: 'K', xLabel: 'distance', yLabel: 'value', series: [{ name: 'fwd', y: [1, 0.5, 0.25] }] });
 * svg.startsWith('<svg'); // true
 */
export function linePlot(options: LinePlotOptions): string {
  const where = 'linePlot';
  const { series } = options;
  if (!Array.isArray(series) || series.length === 0)
    throw new Error(`${where}: series must be a non-empty array`);
  const showLegend = options.legend ?? series.length > 1;
  const legendW = showLegend ? Math.min(220, 40 + 7 * Math.max(...series.map((s) => s.name.length))) : 0;
  const width = options.width ?? 640 + legendW;
  const height = Math.max(options.height ?? 360, showLegend ? 70 + 18 * series.length : 0);
  const m = { left: 64, right: 16 + legendW, top: 36, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  if (pw <= 10 || ph <= 10) throw new Error(`${where}: width/height too small for the plot area`);

  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  series.forEach((s, si) => {
    if (s.x && s.x.length !== s.y.length) {
      throw new Error(
        `${where}: series ${si} ('${s.name}') has ${s.x.length} x values but ${s.y.length} y values`,
      );
    }
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i]! : i;
      const y = s.y[i]!;
      checkFinite(where, `series '${s.name}' x[${i}]`, x);
      checkFinite(where, `series '${s.name}' y[${i}]`, y);
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  });
  if (!Number.isFinite(xMin)) {
    if (options.emptyMessage === undefined) throw new Error(`${where}: every series is empty`);
    return emptyPlot(options, width, height, m);
  }
  if (options.yRange) [yMin, yMax] = options.yRange;
  const xt = niceTicks(xMin, xMax === xMin ? xMin + 1 : xMax, 8);
  const yt = niceTicks(yMin, yMax, 6);
  const x0 = xMax === xMin ? xMin : xt.min;
  const x1 = xMax === xMin ? xMin + 1 : xt.max;
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((y - yt.min) / (yt.max - yt.min)) * ph;

  const body: string[] = [];
  body.push(text(width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }));
  // grid + ticks
  body.push('<g stroke="#e6e6e6" stroke-width="1">');
  for (const t of yt.ticks)
    body.push(`<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(t))}" y2="${c(sy(t))}"/>`);
  for (const t of xt.ticks) {
    if (t < x0 || t > x1) continue;
    body.push(`<line x1="${c(sx(t))}" x2="${c(sx(t))}" y1="${c(m.top)}" y2="${c(m.top + ph)}"/>`);
  }
  body.push('</g>');
  if ((options.zeroLine ?? true) && yt.min < 0 && yt.max > 0) {
    body.push(
      `<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(0))}" y2="${c(sy(0))}" stroke="#888" stroke-width="1"/>`,
    );
  }
  body.push(
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444" stroke-width="1"/>`,
  );
  for (const t of yt.ticks) {
    body.push(
      `<line x1="${c(m.left - 5)}" x2="${c(m.left)}" y1="${c(sy(t))}" y2="${c(sy(t))}" stroke="#444"/>`,
    );
    body.push(text(m.left - 8, sy(t) + 4, fmtTick(t), { size: 11, anchor: 'end' }));
  }
  for (const t of xt.ticks) {
    if (t < x0 || t > x1) continue;
    body.push(
      `<line x1="${c(sx(t))}" x2="${c(sx(t))}" y1="${c(m.top + ph)}" y2="${c(m.top + ph + 5)}" stroke="#444"/>`,
    );
    body.push(text(sx(t), m.top + ph + 18, fmtTick(t), { size: 11, anchor: 'middle' }));
  }
  body.push(text(m.left + pw / 2, height - 10, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(16, m.top + ph / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  // lines
  series.forEach((s, si) => {
    const color = s.color ?? seriesColor(si);
    const pts: string[] = [];
    for (let i = 0; i < s.y.length; i++) pts.push(`${c(sx(s.x ? s.x[i]! : i))},${c(sy(s.y[i]!))}`);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    body.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash} points="${pts.join(' ')}"><title>${escapeXml(s.name)}</title></polyline>`,
    );
    if (s.markers ?? s.y.length <= 40) {
      body.push(`<g fill="${color}">`);
      for (const p of pts) {
        const [px, py] = p.split(',');
        body.push(`<circle cx="${px}" cy="${py}" r="2.5"/>`);
      }
      body.push('</g>');
    }
  });
  if (showLegend) {
    const lx = m.left + pw + 16;
    series.forEach((s, si) => {
      const ly = m.top + 8 + si * 18;
      const color = s.color ?? seriesColor(si);
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      body.push(
        `<line x1="${c(lx)}" x2="${c(lx + 22)}" y1="${c(ly)}" y2="${c(ly)}" stroke="${color}" stroke-width="2.5"${dash}/>`,
      );
      body.push(text(lx + 28, ly + 4, s.name, { size: 11 }));
    });
  }
  return svgDocument(width, height, options.title, body);
}
