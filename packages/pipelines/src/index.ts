/**
 * @packageDocumentation
 * `@bigs/pipelines`: `pipeline(task, model)` — text in, answers out — for `fill-mask`, `text-classification`,
 * `token-classification` and `feature-extraction` on BiGS models, with the model's own tokenizer, batching,
 * truncation and the padding the model was trained with.
 */

export * from './api.js';
export { loadPipelineModel } from './load.js';
export { pipeline } from './pipeline.js';
