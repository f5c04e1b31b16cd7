export { type AlignedSentence, alignWords, poolWords, type WordPooling } from './align.js';
export { type ConlluSentence, type ConlluWord, parseConllu, readConllu, treeDepths } from './conllu.js';
export { probingPlot } from './plots.js';
export {
  type LinearProbe,
  type ProbeTrainOptions,
  predictProbe,
  probeAccuracy,
  trainLinearProbe,
} from './probe.js';
export {
  extractWordFeatures,
  type LayerProbeResult,
  type ProbeModelOptions,
  type ProbeTask,
  type ProbeTaskResult,
  type ProbingReport,
  probeModel,
} from './probing.js';
