import { buildPipeline, checkTask, type PipelineByTask } from './build.js';
import { loadPipelineModel } from './load.js';
import type { ModelSource, PipelineOptions, PipelineTask } from './types.js';

/**
 * Text in, answers out. Loads the model (a directory written by `savePretrained` / `pnpm pretrain` /
 * `pnpm finetune`, an official checkpoint dir, its files in memory — {@link fetchModelFiles} — or a model you pass
 * in) with the head the task needs and its own
 * tokenizer, and returns a function of texts:
 *
 * - `fill-mask`: top-k tokens per `[MASK]` with softmax scores and the filled sentence;
 * - `text-classification`: labels (config.json `id2label`) with softmax scores; pairs as `{ text, pair }`;
 *   regression value for one-label models;
 * - `token-classification`: a label per token and per word (word ids and offsets of the tokenizer);
 * - `feature-extraction`: the last hidden state, mean-pooled over real tokens (the BiGS pooler's
 *   `non_padding_mean`), the `[CLS]` vector, or per token.
 *
 * Inputs are batched (`batchSize`), cut to `maxLength` (`truncated: true` in the result) or refused
 * (`truncation: 'error'`), and padded to the max length as the model was trained (`padding: 'max_length'`, forced
 * to P for Flax-semantics models), so a result does not depend on the other inputs of its batch. Results equal the
 * model's own forward pass on the same padded inputs. The library never picks a tfjs backend (`initEngine` of
 * `@bigs/ssm-kernels` does, in apps and tests).
 *
 * @example
 * const fill = await pipeline('fill-mask', 'runs/pretrain-tiny');
 * const r = await fill('the old [MASK] told a story', { topK: 3 });
 * r.masks[0].predictions; // best first: [{ token, tokenStr, score, sequence: 'the old <tokenStr> told a story' }, …]
 * fill.dispose();
 */
export async function pipeline<T extends PipelineTask>(
  task: T,
  model: ModelSource,
  options: PipelineOptions = {},
): Promise<PipelineByTask[T]> {
  checkTask(task);
  return buildPipeline(task, await loadPipelineModel(task, model, options), options);
}
