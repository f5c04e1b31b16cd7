export {
  type ExtractKernelsOptions,
  extractKernels,
  type KernelExtraction,
  type LayerKernels,
  modelBlocks,
  NO_SSM_KERNELS,
  resolveLayers,
} from './extract.js';
export { kernelStats, type StaticInteractionMaps, staticInteractionMaps } from './interaction.js';
export { interactionMapPlots, kernelHeatmaps, kernelLinePlots } from './plots.js';
