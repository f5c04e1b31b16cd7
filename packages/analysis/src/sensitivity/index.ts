export { sensitivityPlot } from './plots.js';
export {
  hiddenFromEmbeddings,
  inputEmbeddings,
  paddingShare,
  type SensitivityMap,
  type SensitivityMethod,
  type SensitivityOptions,
  type SequenceInput,
  sensitivityMap,
  sensitivityStats,
} from './sensitivity.js';
