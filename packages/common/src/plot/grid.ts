import { c, svgDocument, text } from './svg.js';

/** Size of a standalone SVG produced by this module (from its root `width`/`height`). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('svgSize: not an SVG produced by @bigs/analysis (no root width/height)');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * Small multiples: place SVG panels (from `linePlot`, `heatmap`, …) in a grid of `cols` columns under a title.
 * Panels are nested `<svg>` viewports, so each keeps its own coordinates.
 *
 * @example
 * const g = gridOfPlots([a, b, c], { cols: 2, title: 'Kernels per layer' }); // one SVG, 2 × 2 cells
 */
export function gridOfPlots(
  panels: string[],
  options: { cols: number; title: string; gap?: number },
): string {
  if (panels.length === 0) throw new Error('gridOfPlots: panels must not be empty');
  const cols = Math.max(1, Math.min(options.cols, panels.length));
  const gap = options.gap ?? 8;
  const sizes = panels.map(svgSize);
  const cw = Math.max(...sizes.map((s) => s.width));
  const ch = Math.max(...sizes.map((s) => s.height));
  const rows = Math.ceil(panels.length / cols);
  const top = 34;
  const width = cols * cw + (cols + 1) * gap;
  const height = top + rows * ch + (rows + 1) * gap;
  const body = [text(width / 2, 22, options.title, { size: 16, anchor: 'middle', weight: '600' })];
  panels.forEach((p, i) => {
    const x = gap + (i % cols) * (cw + gap);
    const y = top + gap + Math.floor(i / cols) * (ch + gap);
    body.push(p.trimEnd().replace(/^<svg /, `<svg x="${c(x)}" y="${c(y)}" `));
  });
  return svgDocument(width, height, options.title, body);
}
