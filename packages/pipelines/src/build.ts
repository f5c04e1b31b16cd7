import type { PipelineContext } from './context.js';
import { resolveEncodePlan } from './encode.js';
import { createFeatureExtraction, type FeatureExtractionPipeline } from './feature-extraction.js';
import { createFillMask, type FillMaskPipeline } from './fill-mask.js';
import type { PipelineModel } from './load-core.js';
import { createTextClassification, type TextClassificationPipeline } from './text-classification.js';
import { createTokenClassification, type TokenClassificationPipeline } from './token-classification.js';
import { PIPELINE_TASKS, type PipelineOptions, type PipelineTask } from './types.js';

/** The pipeline type of each task. */
export interface PipelineByTask {
  'fill-mask': FillMaskPipeline;
  'text-classification': TextClassificationPipeline;
  'token-classification': TokenClassificationPipeline;
  'feature-extraction': FeatureExtractionPipeline;
}

/** Any pipeline. */
export type AnyPipeline = PipelineByTask[PipelineTask];

/** An Error unless `task` is one of {@link PIPELINE_TASKS}. */
export function checkTask(task: string): void {
  if (!PIPELINE_TASKS.includes(task as PipelineTask)) {
    throw new Error(
      `pipeline: task must be one of ${PIPELINE_TASKS.join(' | ')}, got ${JSON.stringify(task)}`,
    );
  }
}

/** The pipeline of a task on a loaded model (the part of `pipeline()` after loading; frees an owned model on error). */
export function buildPipeline<T extends PipelineTask>(
  task: T,
  loaded: PipelineModel,
  options: PipelineOptions,
): PipelineByTask[T] {
  let plan: ReturnType<typeof resolveEncodePlan>;
  try {
    plan = resolveEncodePlan(loaded.model.config, options);
  } catch (e) {
    if (loaded.owned) loaded.model.dispose();
    throw e;
  }
  const ctx = { task, model: loaded.model, tokenizer: loaded.tokenizer, plan, owned: loaded.owned };
  switch (task) {
    case 'fill-mask':
      return createFillMask(ctx as PipelineContext<'fill-mask'>) as PipelineByTask[T];
    case 'text-classification':
      return createTextClassification(ctx as PipelineContext<'text-classification'>) as PipelineByTask[T];
    case 'token-classification':
      return createTokenClassification(ctx as PipelineContext<'token-classification'>) as PipelineByTask[T];
    default:
      return createFeatureExtraction(ctx as PipelineContext<'feature-extraction'>) as PipelineByTask[T];
  }
}
