/**
 * The browser entry of `@bigs/analysis` (package.json `browser` condition): the SSM kernels of a model and their
 * SVG plots (`extractKernels`, `kernelLinePlots`, `kernelHeatmaps`, `interactionMapPlots`) — what the docs
 * site's live demo draws. The report, probing and sensitivity tools read and write files and stay Node-only.
 */
export * from './kernels/index.js';
