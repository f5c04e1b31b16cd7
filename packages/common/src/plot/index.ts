export { type BarChartOptions, barChart } from './bar-chart.js';
export { type ColormapName, colorAt, PALETTE, seriesColor } from './colormap.js';
export { gridOfPlots, svgSize } from './grid.js';
export { downsample, type HeatmapOptions, heatmap } from './heatmap.js';
export { type LinePlotOptions, type LineSeries, linePlot } from './line-plot.js';
export { escapeXml, fmtTick } from './svg.js';
export { indexTicks, niceTicks } from './ticks.js';
