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

const WHERE = 'linePlot';

/** Plot-area geometry: margins, plot width/height, and the data → pixel maps. */
interface Frame {
  width: number;
  height: number;
  m: { left: number; right: number; top: number; bottom: number };
  pw: number;
  ph: number;
}

interface Scales {
  sx: (x: number) => number;
  sy: (y: number) => number;
  x0: number;
  x1: number;
  xTicks: number[];
  yTicks: number[];
  yMin: number;
  yMax: number;
}

/** The data range of every series (checking lengths and finiteness); null when every series is empty. */
function dataRange(series: LineSeries[]): { xMin: number; xMax: number; yMin: number; yMax: number } | null {
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  series.forEach((s, si) => {
    if (s.x && s.x.length !== s.y.length) {
      throw new Error(
        `${WHERE}: series ${si} ('${s.name}') has ${s.x.length} x values but ${s.y.length} y values`,
      );
    }
    for (let i = 0; i < s.y.length; i++) {
      const x = s.x ? s.x[i]! : i;
      const y = s.y[i]!;
      checkFinite(WHERE, `series '${s.name}' x[${i}]`, x);
      checkFinite(WHERE, `series '${s.name}' y[${i}]`, y);
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  });
  return Number.isFinite(xMin) ? { xMin, xMax, yMin, yMax } : null;
}

/** The frame of a plot with these options (legend width from the series names). */
function frameOf(options: LinePlotOptions, showLegend: boolean): Frame & { legendW: number } {
  const { series } = options;
  const legendW = showLegend ? Math.min(220, 40 + 7 * Math.max(...series.map((s) => s.name.length))) : 0;
  const width = options.width ?? 640 + legendW;
  const height = Math.max(options.height ?? 360, showLegend ? 70 + 18 * series.length : 0);
  const m = { left: 64, right: 16 + legendW, top: 36, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  if (pw <= 10 || ph <= 10) throw new Error(`${WHERE}: width/height too small for the plot area`);
  return { width, height, m, pw, ph, legendW };
}

/** Nice ticks and pixel maps for a data range (a single x value gets a unit-wide axis). */
function scalesOf(f: Frame, r: { xMin: number; xMax: number; yMin: number; yMax: number }): Scales {
  const xt = niceTicks(r.xMin, r.xMax === r.xMin ? r.xMin + 1 : r.xMax, 8);
  const yt = niceTicks(r.yMin, r.yMax, 6);
  const x0 = r.xMax === r.xMin ? r.xMin : xt.min;
  const x1 = r.xMax === r.xMin ? r.xMin + 1 : xt.max;
  return {
    sx: (x) => f.m.left + ((x - x0) / (x1 - x0)) * f.pw,
    sy: (y) => f.m.top + f.ph - ((y - yt.min) / (yt.max - yt.min)) * f.ph,
    x0,
    x1,
    xTicks: xt.ticks.filter((t) => t >= x0 && t <= x1),
    yTicks: yt.ticks,
    yMin: yt.min,
    yMax: yt.max,
  };
}

/** Grid, zero line, frame, tick marks and labels, axis labels. */
function axes(f: Frame, sc: Scales, options: LinePlotOptions): string[] {
  const { m, pw, ph } = f;
  const { sx, sy } = sc;
  const body: string[] = ['<g stroke="#e6e6e6" stroke-width="1">'];
  for (const t of sc.yTicks)
    body.push(`<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(t))}" y2="${c(sy(t))}"/>`);
  for (const t of sc.xTicks)
    body.push(`<line x1="${c(sx(t))}" x2="${c(sx(t))}" y1="${c(m.top)}" y2="${c(m.top + ph)}"/>`);
  body.push('</g>');
  if ((options.zeroLine ?? true) && sc.yMin < 0 && sc.yMax > 0) {
    body.push(
      `<line x1="${c(m.left)}" x2="${c(m.left + pw)}" y1="${c(sy(0))}" y2="${c(sy(0))}" stroke="#888" stroke-width="1"/>`,
    );
  }
  body.push(
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444" stroke-width="1"/>`,
  );
  for (const t of sc.yTicks) {
    body.push(
      `<line x1="${c(m.left - 5)}" x2="${c(m.left)}" y1="${c(sy(t))}" y2="${c(sy(t))}" stroke="#444"/>`,
    );
    body.push(text(m.left - 8, sy(t) + 4, fmtTick(t), { size: 11, anchor: 'end' }));
  }
  for (const t of sc.xTicks) {
    body.push(
      `<line x1="${c(sx(t))}" x2="${c(sx(t))}" y1="${c(m.top + ph)}" y2="${c(m.top + ph + 5)}" stroke="#444"/>`,
    );
    body.push(text(sx(t), m.top + ph + 18, fmtTick(t), { size: 11, anchor: 'middle' }));
  }
  body.push(text(m.left + pw / 2, f.height - 10, options.xLabel, { size: 12, anchor: 'middle' }));
  body.push(text(16, m.top + ph / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 }));
  return body;
}

/** One series: its polyline (with its name as tooltip) and, when asked or short, a dot per point. */
function seriesLine(s: LineSeries, si: number, sc: Scales): string[] {
  const color = s.color ?? seriesColor(si);
  const pts: string[] = [];
  for (let i = 0; i < s.y.length; i++) pts.push(`${c(sc.sx(s.x ? s.x[i]! : i))},${c(sc.sy(s.y[i]!))}`);
  const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
  const body = [
    `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash} points="${pts.join(' ')}"><title>${escapeXml(s.name)}</title></polyline>`,
  ];
  if (s.markers ?? s.y.length <= 40) {
    body.push(`<g fill="${color}">`);
    for (const p of pts) {
      const [px, py] = p.split(',');
      body.push(`<circle cx="${px}" cy="${py}" r="2.5"/>`);
    }
    body.push('</g>');
  }
  return body;
}

/** The legend at the right of the plot area: a line sample and the name of each series. */
function legend(series: LineSeries[], f: Frame): string[] {
  const lx = f.m.left + f.pw + 16;
  return series.flatMap((s, si) => {
    const ly = f.m.top + 8 + si * 18;
    const color = s.color ?? seriesColor(si);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    return [
      `<line x1="${c(lx)}" x2="${c(lx + 22)}" y1="${c(ly)}" y2="${c(ly)}" stroke="${color}" stroke-width="2.5"${dash}/>`,
      text(lx + 28, ly + 4, s.name, { size: 11 }),
    ];
  });
}

/** The frame, title, axis labels and a centred message of a plot without data. */
function emptyPlot(options: LinePlotOptions, f: Frame): string {
  const { m, pw, ph } = f;
  return svgDocument(f.width, f.height, options.title, [
    text(f.width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }),
    `<rect x="${c(m.left)}" y="${c(m.top)}" width="${c(pw)}" height="${c(ph)}" fill="none" stroke="#444" stroke-width="1"/>`,
    text(m.left + pw / 2, m.top + ph / 2, options.emptyMessage ?? '', { anchor: 'middle', fill: '#888' }),
    text(m.left + pw / 2, f.height - 10, options.xLabel, { size: 12, anchor: 'middle' }),
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
  const { series } = options;
  if (!Array.isArray(series) || series.length === 0)
    throw new Error(`${WHERE}: series must be a non-empty array`);
  const showLegend = options.legend ?? series.length > 1;
  const f = frameOf(options, showLegend);
  const range = dataRange(series);
  if (range === null) {
    if (options.emptyMessage === undefined) throw new Error(`${WHERE}: every series is empty`);
    return emptyPlot(options, f);
  }
  if (options.yRange) [range.yMin, range.yMax] = options.yRange;
  const sc = scalesOf(f, range);
  const body = [
    text(f.width / 2, 22, options.title, { size: 15, anchor: 'middle', weight: '600' }),
    ...axes(f, sc, options),
    ...series.flatMap((s, si) => seriesLine(s, si, sc)),
    ...(showLegend ? legend(series, f) : []),
  ];
  return svgDocument(f.width, f.height, options.title, body);
}
