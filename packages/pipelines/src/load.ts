import { type BertTokenizer, loadModelTokenizer, loadTokenizer } from '@bigs/data';
import { type AnyBiGSModel, architectureName, fromPretrained, type HeadType } from '@bigs/models';
import type { ModelSource, PipelineOptions, PipelineTask } from './types.js';

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
  /** The model directory, or null for a model passed in. */
  dir: string | null;
}

function isModel(x: unknown): x is AnyBiGSModel {
  return typeof x === 'object' && x !== null && 'headType' in x && 'config' in x && 'forward' in x;
}

/** Error for a model without the head a task needs. */
function noHeadError(task: PipelineTask, what: string, model: AnyBiGSModel, detail: string): Error {
  const need = TASK_HEADS[task];
  const archs = model.config.architectures?.join(', ') ?? architectureName(model.config, model.headType);
  return new Error(
    `${task}: ${what} has no ${HEAD_WORDS[need]}: ${detail} (architectures: ${archs}); ` +
      `${task} needs ${WHERE_FROM[task]}`,
  );
}

async function tokenizerFor(
  options: PipelineOptions,
  dir: string | null,
  vocabSize: number,
  given: BertTokenizer | undefined,
): Promise<BertTokenizer> {
  let tok: BertTokenizer;
  let source: string;
  const opt = options.tokenizer;
  if (given) {
    tok = given;
    source = 'the given tokenizer';
  } else if (opt !== undefined && typeof opt !== 'string') {
    tok = opt;
    source = 'options.tokenizer';
  } else if (dir !== null) {
    return (
      await loadModelTokenizer(dir, {
        ...(opt !== undefined ? { tokenizer: opt } : {}),
        vocabSize,
        hint: 'pass options.tokenizer (a tokenizer dir, tokenizer.json or vocab.txt)',
      })
    ).tokenizer;
  } else if (typeof opt === 'string') {
    tok = await loadTokenizer(opt);
    source = opt;
  } else {
    throw new Error(
      'pipeline: a model passed in needs its tokenizer: pass { model, tokenizer } or options.tokenizer',
    );
  }
  if (tok.vocabSize > vocabSize) {
    throw new Error(
      `pipeline: tokenizer ${source} has ${tok.vocabSize} tokens but the model's vocab_size is ${vocabSize}; ` +
        `pass the model's own tokenizer`,
    );
  }
  return tok;
}

/**
 * The model and tokenizer of a pipeline. From a directory: `fromPretrained(dir, { head })` with the task's head
 * and the dir's own tokenizer (via `loadModelTokenizer` of `@bigs/data`); a checkpoint without that head is an
 * Error naming what is missing (its fresh random head would answer nonsense). A model passed in must have the
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
  const need = TASK_HEADS[task];
  if (typeof source === 'string') {
    const { model, report } = await fromPretrained(source, {
      head: need,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      logger: options.logger ?? (() => {}),
    });
    try {
      if (report.newlyInitialized.length > 0) {
        const n = report.newlyInitialized.length;
        const first = report.newlyInitialized[0];
        throw noHeadError(
          task,
          source,
          model,
          `${n} head tensor${n > 1 ? 's' : ''} (${first}, …) not in its weights`,
        );
      }
      const tokenizer = await tokenizerFor(options, source, model.config.vocabSize, undefined);
      return { model, tokenizer, owned: true, dir: source };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  const model = isModel(source) ? source : source?.model;
  if (!isModel(model)) {
    throw new Error(
      `pipeline: model must be a model directory (string), a loaded model, or { model, tokenizer }, got ${typeof source}`,
    );
  }
  if (need !== 'base' && model.headType !== need) {
    throw noHeadError(task, 'the model passed in', model, `its headType is '${model.headType}'`);
  }
  const given = isModel(source) ? undefined : source.tokenizer;
  const tokenizer = await tokenizerFor(options, null, model.config.vocabSize, given);
  return { model, tokenizer, owned: false, dir: null };
}
