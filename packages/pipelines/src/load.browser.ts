import {
  checkGivenModel,
  checkTokenizerFits,
  isModel,
  isModelFiles,
  loadFilesModel,
  type PipelineModel,
} from './load-core.js';
import type { ModelSource, PipelineOptions, PipelineTask } from './types.js';

/**
 * The browser `loadPipelineModel`: model files in memory (`{ files, source }`, e.g. from
 * {@link fetchModelFiles}) or a loaded model with its tokenizer. A directory path needs a file system: an Error
 * saying to fetch the files instead.
 *
 * @example
 * const { model } = await loadPipelineModel('fill-mask', await fetchModelFiles('/demo/fill-mask/'));
 */
export async function loadPipelineModel(
  task: PipelineTask,
  source: ModelSource,
  options: PipelineOptions = {},
): Promise<PipelineModel> {
  if (typeof source === 'string') {
    throw new Error(
      `pipeline: '${source}' is a directory path, which a browser cannot read; ` +
        `pass await fetchModelFiles(url) (the model's files served over HTTP) instead`,
    );
  }
  if (isModelFiles(source)) return loadFilesModel(task, source, options);
  const model = checkGivenModel(task, source);
  const tok = (isModel(source) ? undefined : source.tokenizer) ?? options.tokenizer;
  if (tok === undefined || typeof tok === 'string') {
    throw new Error(
      'pipeline: a model passed in needs its loaded tokenizer: pass { model, tokenizer } ' +
        '(tokenizerFromFiles of @bigs/data reads tokenizer.json / vocab.txt)',
    );
  }
  return {
    model,
    tokenizer: checkTokenizerFits(tok, model.config.vocabSize, 'the given tokenizer'),
    owned: false,
    dir: null,
  };
}
