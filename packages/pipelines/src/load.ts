import { type BertTokenizer, loadModelTokenizer, loadTokenizer } from '@bigs/data';
import { fromPretrained } from '@bigs/models';
import {
  checkGivenModel,
  checkLoadedHead,
  checkTokenizerFits,
  isModel,
  isModelFiles,
  loadFilesModel,
  type PipelineModel,
  TASK_HEADS,
} from './load-core.js';
import type { ModelSource, PipelineOptions, PipelineTask } from './types.js';

/** The tokenizer of a model passed in: the one given with it, `options.tokenizer`, or a path to load. */
async function givenTokenizer(
  options: PipelineOptions,
  vocabSize: number,
  given: BertTokenizer | undefined,
): Promise<BertTokenizer> {
  const opt = options.tokenizer;
  if (given) return checkTokenizerFits(given, vocabSize, 'the given tokenizer');
  if (opt !== undefined && typeof opt !== 'string')
    return checkTokenizerFits(opt, vocabSize, 'options.tokenizer');
  if (typeof opt === 'string') return checkTokenizerFits(await loadTokenizer(opt), vocabSize, opt);
  throw new Error(
    'pipeline: a model passed in needs its tokenizer: pass { model, tokenizer } or options.tokenizer',
  );
}

/** From a model directory: `fromPretrained(dir, { head })` and the dir's own tokenizer (or `options.tokenizer`). */
async function loadDirModel(
  task: PipelineTask,
  dir: string,
  options: PipelineOptions,
): Promise<PipelineModel> {
  const { model, report } = await fromPretrained(dir, {
    head: TASK_HEADS[task],
    ...(options.overrides ? { overrides: options.overrides } : {}),
    logger: options.logger ?? (() => {}),
  });
  try {
    checkLoadedHead(task, dir, model, report);
    const opt = options.tokenizer;
    const tokenizer =
      opt !== undefined && typeof opt !== 'string'
        ? checkTokenizerFits(opt, model.config.vocabSize, 'options.tokenizer')
        : (
            await loadModelTokenizer(dir, {
              ...(opt !== undefined ? { tokenizer: opt } : {}),
              vocabSize: model.config.vocabSize,
              hint: 'pass options.tokenizer (a tokenizer dir, tokenizer.json or vocab.txt)',
            })
          ).tokenizer;
    return { model, tokenizer, owned: true, dir };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The model and tokenizer of a pipeline. From a directory: `fromPretrained(dir, { head })` with the task's head
 * and the dir's own tokenizer (via `loadModelTokenizer` of `@bigs/data`); from model files in memory
 * (`{ files, source }`, e.g. {@link fetchModelFiles}): the same from the files. A checkpoint without that head is
 * an Error naming what is missing (its fresh random head would answer nonsense). A model passed in must have the
 * task's head (any head for `feature-extraction`).
 *
 * @example
 * const { model, tokenizer } = await loadPipelineModel('fill-mask', 'runs/pretrain-tiny');
 * model.headType; // 'masked-lm'
 */
export async function loadPipelineModel(
  task: PipelineTask,
  source: ModelSource,
  options: PipelineOptions = {},
): Promise<PipelineModel> {
  if (typeof source === 'string') return loadDirModel(task, source, options);
  if (isModelFiles(source)) return loadFilesModel(task, source, options);
  const model = checkGivenModel(task, source);
  const given = isModel(source) ? undefined : source.tokenizer;
  const tokenizer = await givenTokenizer(options, model.config.vocabSize, given);
  return { model, tokenizer, owned: false, dir: null };
}
