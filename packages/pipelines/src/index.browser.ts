/**
 * `@bigs/pipelines`: `pipeline(task, model)` — text in, answers out — for `fill-mask`, `text-classification`,
 * `token-classification` and `feature-extraction` on BiGS models, with the model's own tokenizer, batching,
 * truncation and the padding the model was trained with.
 *
 * The browser entry (package.json `browser` condition): the same API, with `pipeline()` and
 * `loadPipelineModel()` taking model files fetched over HTTP (`fetchModelFiles`) instead of directory paths.
 */

export * from './api.js';
export { loadPipelineModel } from './load.browser.js';
export { pipeline } from './pipeline.browser.js';
