import type { BertTokenizer } from '@bigs/data';
import type { AnyBiGSModel } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import {
  batchLength,
  batchTensors,
  chunks,
  type EncodedInput,
  type EncodePlan,
  type InputBatch,
} from './encode.js';
import type { PipelineBase, PipelineTask, ResultBase, TextInput } from './types.js';

/** What a task's implementation works with. */
export interface PipelineContext<T extends PipelineTask = PipelineTask> {
  task: T;
  model: AnyBiGSModel;
  tokenizer: BertTokenizer;
  plan: EncodePlan;
  owned: boolean;
}

/**
 * Run `forward` on the inputs batch by batch (at most `plan.batchSize` rows, padded as the plan says) and hand
 * each batch's output, read back to the host, to `collect`. Every tensor is freed before the next batch.
 */
export async function forEachBatch<O>(
  ctx: PipelineContext,
  rows: readonly EncodedInput[],
  forward: (batch: InputBatch, rows: readonly EncodedInput[], length: number) => tf.Tensor,
  collect: (data: Float32Array, rows: readonly EncodedInput[], length: number, shape: number[]) => O[],
): Promise<O[]> {
  const out: O[] = [];
  for (const part of chunks(rows, ctx.plan.batchSize)) {
    const length = batchLength(part, ctx.plan);
    const result = tf.tidy(() => forward(batchTensors(part, length, ctx.tokenizer.padTokenId), part, length));
    try {
      const data = (await result.data()) as Float32Array;
      out.push(...collect(data, part, length, result.shape.slice()));
    } finally {
      result.dispose();
    }
  }
  return out;
}

/** The per-input fields of every result. */
export function resultBase(row: EncodedInput): ResultBase {
  return {
    text: row.text,
    pair: row.pair,
    numTokens: row.encoding.inputIds.length,
    truncated: row.truncated,
    originalNumTokens: row.originalNumTokens,
  };
}

/**
 * A callable pipeline: `p(input)` gives one result, `p([inputs])` an array; plus the {@link PipelineBase} fields.
 */
export function makeCallable<T extends PipelineTask, O, R, P>(
  ctx: PipelineContext<T>,
  run: (inputs: readonly TextInput[], options: O) => Promise<R[]>,
): P {
  const fn = async (input: TextInput | readonly TextInput[], options?: O) => {
    if (Array.isArray(input)) return run(input as readonly TextInput[], (options ?? {}) as O);
    return (await run([input as TextInput], (options ?? {}) as O))[0];
  };
  let disposed = false;
  const base: PipelineBase<T> = {
    task: ctx.task,
    model: ctx.model,
    tokenizer: ctx.tokenizer,
    maxLength: ctx.plan.maxLength,
    paddedLength: ctx.plan.paddedLength,
    padding: ctx.plan.padding,
    truncation: ctx.plan.truncation,
    batchSize: ctx.plan.batchSize,
    dispose() {
      if (ctx.owned && !disposed) ctx.model.dispose();
      disposed = true;
    },
  };
  // `task`, `model`, … as read-only properties of the function object.
  for (const [k, v] of Object.entries(base)) {
    Object.defineProperty(fn, k, { value: v, enumerable: true, writable: false });
  }
  return fn as unknown as P;
}
