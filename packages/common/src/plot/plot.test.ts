import { describe, expect, it } from 'vitest';
import { parseXml } from '../test-helpers.js';
import { barChart } from './bar-chart.js';
import { colorAt } from './colormap.js';
import { gridOfPlots, svgSize } from './grid.js';
import { downsample, heatmap } from './heatmap.js';
import { linePlot } from './line-plot.js';
import { indexTicks, niceTicks } from './ticks.js';

describe('ticks and colours', () => {
  it('nice ticks cover the range with 1/2/2.5/5 steps', () => {
    expect(niceTicks(0, 0.93, 5)).toEqual({ min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    const t = niceTicks(-3.2, 7.9, 5);
    expect(t.min).toBeLessThanOrEqual(-3.2);
    expect(t.max).toBeGreaterThanOrEqual(7.9);
    expect(niceTicks(2, 2).ticks.length).toBeGreaterThan(1);
    expect(indexTicks(128, 8)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(indexTicks(3)).toEqual([0, 1, 2]);
  });
  it('diverging map is white at the centre and clamps', () => {
    expect(colorAt('diverging', 0.5)).toBe('#f7f7f7');
    expect(colorAt('diverging', -5)).toBe(colorAt('diverging', 0));
    expect(colorAt('sequential', 2)).toBe('#fde725');
    expect(colorAt('diverging', Number.NaN)).toBe('#bdbdbd');
  });
});

describe('SVG plots are well-formed XML with the expected parts', () => {
  it('line plot: axes, ticks, labels, legend, escaped text', () => {
    const svg = linePlot({
      title: 'K <f> & "b"',
      xLabel: 'distance',
      yLabel: 'K[d]',
      series: [
        { name: 'forward', y: [1, 0.5, -0.25, 0.1] },
        { name: 'backward', y: [0.3, 0.2, 0.1, 0], dashed: true },
      ],
    });
    const names = parseXml(svg);
    expect(names[0]).toBe('svg');
    expect(names.filter((n) => n === 'polyline')).toHaveLength(2);
    expect(svg).toContain('K &lt;f&gt; &amp; &quot;b&quot;');
    expect(svg).toContain('>forward</text>');
    expect(svg).toContain('>distance</text>');
    expect(svg).toContain('stroke-dasharray');
  });
  it('line plot errors name the series', () => {
    expect(() => linePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toThrow(
      /series must be a non-empty/,
    );
    expect(() =>
      linePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', y: [1, Number.NaN] }] }),
    ).toThrow(/series 'a' y\[1\]/);
  });
  it('heat map: one rect per cell, colour bar with label, token tick labels', () => {
    const svg = heatmap({
      title: 'map',
      values: [1, -1, 0.5, 0, 0.25, -0.5],
      rows: 2,
      cols: 3,
      xLabel: 'input s',
      yLabel: 'output t',
      colorbarLabel: 'weight',
      xTickLabels: ['[CLS]', 'a<b', 'c'],
      yTickLabels: ['x', 'y'],
    });
    const names = parseXml(svg);
    expect(names.filter((n) => n === 'rect').length).toBe(1 + 6 + 1 + 64 + 1); // background, cells, frame, bar, bar frame
    expect(svg).toContain('>weight</text>');
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('#f7f7f7'); // the 0 cell is white
    expect(() =>
      heatmap({ title: 't', values: [1], rows: 2, cols: 2, xLabel: '', yLabel: '', colorbarLabel: '' }),
    ).toThrow(/rows\*cols = 4/);
  });
  it('large heat maps are block-averaged', () => {
    const n = 200;
    const values = Float64Array.from({ length: n * n }, (_, i) => i % 7);
    const svg = heatmap({
      title: 'big',
      values,
      rows: n,
      cols: n,
      xLabel: 'x',
      yLabel: 'y',
      colorbarLabel: 'v',
      maxCells: 50,
    });
    parseXml(svg);
    expect(svg).toContain('block-averaged 4×4');
    const d = downsample([1, 2, 3, 4], 2, 2, 2, 2);
    expect(Array.from(d.values)).toEqual([2.5]);
  });
  it('bar chart with reference line and legend; grid nests panels', () => {
    const bar = barChart({
      title: 'acc',
      categories: ['emb', '1', '2'],
      series: [
        { name: 'upos', values: [0.5, 0.8, 0.9] },
        { name: 'depth', values: [0.3, 0.4, 0.6] },
      ],
      refLines: [{ name: 'majority', y: 0.2 }],
      xLabel: 'layer',
      yLabel: 'accuracy',
      yRange: [0, 1],
    });
    expect(parseXml(bar).filter((n) => n === 'rect').length).toBeGreaterThanOrEqual(6);
    expect(bar).toContain('>majority</text>');
    const g = gridOfPlots([bar, bar, bar], { cols: 2, title: 'grid' });
    expect(parseXml(g).filter((n) => n === 'svg')).toHaveLength(4);
    const s = svgSize(g);
    expect(s.width).toBeGreaterThan(svgSize(bar).width * 2);
  });
});
