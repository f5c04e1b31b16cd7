/**
 * What every way of loading a pipeline's model shares, without a file system (so it runs in browsers): the head
 * each task needs, the checks on a loaded model and tokenizer, and loading from files in memory.
 */
import { type BertTokenizer, tokenizerFromFiles } from '@bigs/data';
import {
  type AnyBiGSModel,
  architectureName,
  fromPretrainedFiles,
  type HeadType,
  type LoadReport,
} from '@bigs/models';
import type { ModelFiles, PipelineOptions, PipelineTask } from './types.js';

/** The head each task needs (`feature-extraction` runs the backbone of any model). */
export const TASK_HEADS: Readonly<Record<PipelineTask, HeadType>> = {
  'fill-mask': 'masked-lm',
  'text-classification': 'sequence-classification',
  'token-classification': 'token-classification',
  'feature-extraction': 'base',
};

const HEAD_WORDS: Readonly<Record<HeadType, string>> = {
  base: 'backbone',
  'masked-lm': 'masked-LM head (cls.predictions.*)',
  'sequence-classification': 'sequence-classification head (pooler + classifier)',
  'token-classification': 'token-classification head (classifier)',
  'question-answering': 'question-answering head (qa_outputs)',
  'multiple-choice': 'multiple-choice head (pooler + classifier)',
};

const WHERE_FROM: Readonly<Record<PipelineTask, string>> = {
  'fill-mask': 'a masked-LM model (what pnpm pretrain writes, or an official BiGS checkpoint)',
  'text-classification': 'a sequence-classification model (what pnpm finetune writes)',
  'token-classification': 'a token-classification model',
  'feature-extraction': 'any model',
};

/** A model and tokenizer ready for a pipeline, and whether the pipeline owns (and so disposes) the model. */
export interface PipelineModel {
  model: AnyBiGSModel;
  tokenizer: BertTokenizer;
  /** The pipeline loaded the model: `dispose()` frees it. */
  owned: boolean;
  /** The model directory (or the files' source URL), or null for a model passed in. */
  dir: string | null;
}

export function isModel(x: unknown): x is AnyBiGSModel {
  return typeof x === 'object' && x !== null && 'headType' in x && 'config' in x && 'forward' in x;
}

export function isModelFiles(x: unknown): x is ModelFiles {
  return typeof x === 'object' && x !== null && 'files' in x && typeof (x as ModelFiles).files === 'object';
}

/** Error for a model without the head a task needs. */
export function noHeadError(task: PipelineTask, what: string, model: AnyBiGSModel, detail: string): Error {
  const need = TASK_HEADS[task];
  const archs = model.config.architectures?.join(', ') ?? architectureName(model.config, model.headType);
  return new Error(
    `${task}: ${what} has no ${HEAD_WORDS[need]}: ${detail} (architectures: ${archs}); ` +
      `${task} needs ${WHERE_FROM[task]}`,
  );
}

/** A freshly loaded checkpoint must hold the task's head: its random init would answer nonsense. */
export function checkLoadedHead(
  task: PipelineTask,
  source: string,
  model: AnyBiGSModel,
  report: LoadReport,
): void {
  if (report.newlyInitialized.length === 0) return;
  const n = report.newlyInitialized.length;
  const first = report.newlyInitialized[0];
  throw noHeadError(
    task,
    source,
    model,
    `${n} head tensor${n > 1 ? 's' : ''} (${first}, …) not in its weights`,
  );
}

/** A tokenizer with more tokens than the model's vocabulary would feed ids the model has no rows for. */
export function checkTokenizerFits(tok: BertTokenizer, vocabSize: number, source: string): BertTokenizer {
  if (tok.vocabSize > vocabSize) {
    throw new Error(
      `pipeline: tokenizer ${source} has ${tok.vocabSize} tokens but the model's vocab_size is ${vocabSize}; ` +
        `pass the model's own tokenizer`,
    );
  }
  return tok;
}

/**
 * The model of a task from checkpoint files in memory (`fromPretrainedFiles` with the task's head) and the
 * tokenizer among them (or `options.tokenizer` when it is a loaded one).
 */
export function loadFilesModel(
  task: PipelineTask,
  source: ModelFiles,
  options: PipelineOptions,
): PipelineModel {
  const { model, report } = fromPretrainedFiles(source.files, {
    head: TASK_HEADS[task],
    source: source.source,
    ...(options.overrides ? { overrides: options.overrides } : {}),
    logger: options.logger ?? (() => {}),
  });
  try {
    checkLoadedHead(task, source.source, model, report);
    const opt = options.tokenizer;
    if (typeof opt === 'string') {
      throw new Error(
        `pipeline: options.tokenizer must be a loaded tokenizer with model files (got the path '${opt}'); ` +
          `or put tokenizer.json / vocab.txt among the files`,
      );
    }
    const tok = opt ?? tokenizerFromFiles(source.files, { source: source.source });
    const tokenizer = checkTokenizerFits(
      tok,
      model.config.vocabSize,
      opt ? 'options.tokenizer' : source.source,
    );
    return { model, tokenizer, owned: true, dir: source.source };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** A model passed in: it must have the task's head (any head for `feature-extraction`). */
export function checkGivenModel(task: PipelineTask, source: unknown): AnyBiGSModel {
  const model = isModel(source) ? source : (source as { model?: unknown } | null)?.model;
  if (!isModel(model)) {
    throw new Error(
      'pipeline: model must be a model directory (string), model files ({ files, source }, e.g. from ' +
        `fetchModelFiles), a loaded model, or { model, tokenizer }, got ${typeof source}`,
    );
  }
  const need = TASK_HEADS[task];
  if (need !== 'base' && model.headType !== need) {
    throw noHeadError(task, 'the model passed in', model, `its headType is '${model.headType}'`);
  }
  return model;
}
