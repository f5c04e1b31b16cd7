export { barChart, type BarChartOptions } from './bar-chart.js';
export { type ColormapName, colorAt, PALETTE, seriesColor } from './colormap.js';
export { gridOfPlots, svgSize } from './grid.js';
export { downsample, heatmap, type HeatmapOptions } from './heatmap.js';
export { type LinePlotOptions, type LineSeries, linePlot } from './line-plot.js';
export { escapeXml, fmtTick } from './svg.js';
export { indexTicks, niceTicks } from './ticks.js';
