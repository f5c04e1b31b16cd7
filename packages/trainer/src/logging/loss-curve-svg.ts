import { renameSync, writeFileSync } from 'node:fs';
import { type MetricsRecord, readMetrics } from './metrics-log.js';

/** Options of {@link renderLossCurveSvg}. */
export interface LossCurveOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Train key (default `loss`) and eval key (default `eval_loss`). */
  trainKey?: string;
  evalKey?: string;
}

/**
 * "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps), at most about `count` of them.
 *
 * @example
 * niceTicks(0, 1000, 5); // [0, 200, 400, 600, 800, 1000]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  if (a >= 1000) return `${Number((v / 1000).toPrecision(4))}k`;
  return String(Number(v.toPrecision(4)));
}

/**
 * Render train and eval loss against step as a standalone SVG document (axes, ticks, grid, labels, legend).
 * Points with a non-finite value are skipped.
 *
 * @example
 * renderLossCurveSvg([{ step: 1, loss: 3 }, { step: 2, loss: 2, eval_loss: 2.2 }]); // '<?xml ...<svg ...</svg>'
 */
export function renderLossCurveSvg(records: MetricsRecord[], options: LossCurveOptions = {}): string {
  const W = options.width ?? 720;
  const H = options.height ?? 420;
  const trainKey = options.trainKey ?? 'loss';
  const evalKey = options.evalKey ?? 'eval_loss';
  const pick = (key: string) =>
    records
      .filter((r) => typeof r[key] === 'number' && Number.isFinite(r[key] as number))
      .map((r) => [r.step, r[key] as number] as const);
  const train = pick(trainKey);
  const evals = pick(evalKey);
  const all = [...train, ...evals];
  const m = { left: 64, right: 20, top: 36, bottom: 48 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  let x0 = all.length ? Math.min(...all.map((p) => p[0])) : 0;
  let x1 = all.length ? Math.max(...all.map((p) => p[0])) : 1;
  let y0 = all.length ? Math.min(...all.map((p) => p[1])) : 0;
  let y1 = all.length ? Math.max(...all.map((p) => p[1])) : 1;
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const xTicks = niceTicks(x0, x1, 6);
  const yTicks = niceTicks(y0, y1, 5);
  x0 = Math.min(x0, xTicks[0] ?? x0);
  x1 = Math.max(x1, xTicks[xTicks.length - 1] ?? x1);
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const f = (v: number) => v.toFixed(2);
  const path = (pts: ReadonlyArray<readonly [number, number]>) =>
    pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(sx(x))},${f(sy(y))}`).join(' ');

  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  o.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  o.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title ?? 'Loss')}</text>`,
  );
  o.push('<g stroke="#e0e0e0" stroke-width="1">');
  for (const t of yTicks)
    o.push(`<line x1="${m.left}" y1="${f(sy(t))}" x2="${m.left + pw}" y2="${f(sy(t))}"/>`);
  for (const t of xTicks)
    o.push(`<line x1="${f(sx(t))}" y1="${m.top}" x2="${f(sx(t))}" y2="${m.top + ph}"/>`);
  o.push('</g>');
  o.push('<g stroke="black" stroke-width="1">');
  o.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/>`);
  o.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/>`);
  for (const t of xTicks)
    o.push(`<line x1="${f(sx(t))}" y1="${m.top + ph}" x2="${f(sx(t))}" y2="${m.top + ph + 5}"/>`);
  for (const t of yTicks)
    o.push(`<line x1="${m.left - 5}" y1="${f(sy(t))}" x2="${m.left}" y2="${f(sy(t))}"/>`);
  o.push('</g>');
  for (const t of xTicks) {
    o.push(`<text x="${f(sx(t))}" y="${m.top + ph + 18}" text-anchor="middle">${escapeXml(label(t))}</text>`);
  }
  for (const t of yTicks) {
    o.push(`<text x="${m.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${escapeXml(label(t))}</text>`);
  }
  o.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">step</text>`);
  o.push(
    `<text x="16" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.top + ph / 2})">loss</text>`,
  );
  if (train.length > 0) {
    o.push(`<path d="${path(train)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
  }
  if (evals.length > 0) {
    o.push(`<path d="${path(evals)}" fill="none" stroke="#d62728" stroke-width="1.5"/>`);
    for (const [x, y] of evals) o.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3" fill="#d62728"/>`);
  }
  if (all.length === 0) {
    o.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888">no data</text>`);
  }
  const lx = m.left + pw - 120;
  o.push(`<g transform="translate(${lx},${m.top + 8})">`);
  o.push('<line x1="0" y1="0" x2="20" y2="0" stroke="#1f77b4" stroke-width="2"/>');
  o.push(`<text x="26" y="4">train ${escapeXml(trainKey)}</text>`);
  o.push('<line x1="0" y1="16" x2="20" y2="16" stroke="#d62728" stroke-width="2"/>');
  o.push(`<text x="26" y="20">${escapeXml(evalKey)}</text>`);
  o.push('</g>');
  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

/**
 * Read `metrics.jsonl` and write the loss curve (train `loss`, eval `eval_loss`) as SVG.
 *
 * @example
 * writeLossCurveSvg('runs/a/metrics.jsonl', 'runs/a/loss.svg');
 */
export function writeLossCurveSvg(
  metricsJsonlPath: string,
  outSvg: string,
  options: LossCurveOptions = {},
): void {
  const tmp = `${outSvg}.tmp-${process.pid}`;
  writeFileSync(tmp, renderLossCurveSvg(readMetrics(metricsJsonlPath), options));
  renameSync(tmp, outSvg); // atomic: a crash never leaves a half-written SVG
}
