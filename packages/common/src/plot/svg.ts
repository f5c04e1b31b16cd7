/** Small SVG helpers shared by the plots: escaping, number formatting, the document wrapper, text. */

/** Escape text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate for SVG output: at most 2 decimals, no `-0`, never NaN (throws instead). */
export function c(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`svg: coordinate must be finite, got ${v}`);
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * A short human label for a tick or a colour-bar value: integers as is, otherwise 3 significant digits,
 * exponent form for very small / large magnitudes.
 */
export function fmtTick(v: number): string {
  if (v === 0 || Object.is(v, -0)) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/** Common font settings (system sans-serif, so the SVG needs no font files). */
export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** A `<text>` element. */
export function text(
  x: number,
  y: number,
  s: string,
  opts: {
    size?: number;
    anchor?: 'start' | 'middle' | 'end';
    rotate?: number;
    weight?: string;
    fill?: string;
  } = {},
): string {
  const size = opts.size ?? 12;
  const anchor = opts.anchor ?? 'start';
  const rot = opts.rotate ? ` transform="rotate(${opts.rotate} ${c(x)} ${c(y)})"` : '';
  const weight = opts.weight ? ` font-weight="${opts.weight}"` : '';
  const fill = ` fill="${opts.fill ?? '#222'}"`;
  return `<text x="${c(x)}" y="${c(y)}" font-size="${size}" text-anchor="${anchor}"${weight}${fill}${rot}>${escapeXml(s)}</text>`;
}

/** Wrap plot elements into a standalone SVG document (XML declaration omitted so it can be inlined in HTML). */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${c(width)}" height="${c(height)}" viewBox="0 0 ${c(width)} ${c(height)}" ${FONT} role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${c(width)}" height="${c(height)}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Throws unless `v` is a finite number (names the argument). */
export function checkFinite(where: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${where}: ${name} must be a finite number, got ${String(v)}`);
  }
}
