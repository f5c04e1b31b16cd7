/**
 * Everything `@bigs/pipelines` exports on every platform; the Node entry (index.ts) and the browser entry
 * (index.browser.ts) add their own `pipeline()` and `loadPipelineModel()` (directory paths vs fetched files).
 */
export { type AnyPipeline, buildPipeline, type PipelineByTask } from './build.js';
export {
  batchTensors,
  type EncodedInput,
  type EncodePlan,
  encodeInputs,
  type InputBatch,
  type InputProblem,
  PipelineInputError,
  resolveEncodePlan,
  textPair,
} from './encode.js';
export {
  type FeatureExtractionCallOptions,
  type FeatureExtractionPipeline,
  type FeatureExtractionResult,
  POOLINGS,
  type Pooling,
} from './feature-extraction.js';
export { type FetchModelFilesOptions, fetchModelFiles } from './fetch-files.js';
export type {
  FillMaskCallOptions,
  FillMaskPipeline,
  FillMaskPrediction,
  FillMaskResult,
  FillMaskSlot,
} from './fill-mask.js';
export { type PipelineModel, TASK_HEADS } from './load-core.js';
export { sigmoid, softmax, topKIndices } from './scores.js';
export {
  classificationProblem,
  type LabelScore,
  labelName,
  scoreLogits,
  type TextClassificationCallOptions,
  type TextClassificationPipeline,
  type TextClassificationResult,
} from './text-classification.js';
export type {
  TokenClassificationCallOptions,
  TokenClassificationPipeline,
  TokenClassificationResult,
  TokenPrediction,
  WordPrediction,
} from './token-classification.js';
export {
  type LoadedPipelineModel,
  type ModelFiles,
  type ModelSource,
  type Padding,
  PIPELINE_TASKS,
  type PipelineBase,
  type PipelineOptions,
  type PipelineTask,
  type ResultBase,
  type TextInput,
  type TextPair,
  type Truncation,
} from './types.js';
