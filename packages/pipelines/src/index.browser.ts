/**
 * `@bigs/pipelines`: `pipeline(task, model)` — text in, answers out — for `fill-mask`, `text-classification`,
 * `token-classification` and `feature-extraction` on BiGS models, with the model's own tokenizer, batching,
 * truncation and the padding the model was trained with.
 *
 * The browser entry (package.json `browser` condition): the same API, with `pipeline()` and
 * `loadPipelineModel()` taking model files fetched over HTTP (`fetchModelFiles`) instead of directory paths.
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
export { loadPipelineModel } from './load.browser.js';
export { type PipelineModel, TASK_HEADS } from './load-core.js';
export { pipeline } from './pipeline.browser.js';
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
