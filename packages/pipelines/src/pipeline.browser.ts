import { buildPipeline, checkTask, type PipelineByTask } from './build.js';
import { loadPipelineModel } from './load.browser.js';
import type { ModelSource, PipelineOptions, PipelineTask } from './types.js';

/**
 * The browser `pipeline()`: the same tasks and options as under Node, on model files fetched over HTTP
 * ({@link fetchModelFiles}) or a loaded model with its tokenizer (a directory path needs Node).
 *
 * @example
 * const fill = await pipeline('fill-mask', await fetchModelFiles('/demo/fill-mask/'));
 * (await fill('the old [MASK] told a story')).masks[0].predictions[0].tokenStr;
 */
export async function pipeline<T extends PipelineTask>(
  task: T,
  model: ModelSource,
  options: PipelineOptions = {},
): Promise<PipelineByTask[T]> {
  checkTask(task);
  return buildPipeline(task, await loadPipelineModel(task, model, options), options);
}
