import type { BertTokenizer, Encoding } from '@bigs/data';
import type { BiGSConfig } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import type { Padding, PipelineOptions, TextInput, Truncation } from './types.js';

/** How a pipeline turns texts into model inputs (resolved from {@link PipelineOptions} and the config). */
export interface EncodePlan {
  /** Token budget per input, specials included. */
  maxLength: number;
  /** Length of every padded row with `max_length` padding. */
  paddedLength: number;
  padding: Padding;
  truncation: Truncation;
  batchSize: number;
}

/** One input, tokenised (unpadded, with offsets and token strings). */
export interface EncodedInput {
  text: string;
  pair: string | null;
  encoding: Encoding;
  truncated: boolean;
  /** Tokens before truncation, specials included. */
  originalNumTokens: number;
}

/** A padded batch of model inputs. */
export interface InputBatch {
  /** `[B, L]` int32 */
  inputIds: tf.Tensor2D;
  /** `[B, L]` float32, 1 = real token */
  attentionMask: tf.Tensor2D;
  /** `[B, L]` int32 */
  tokenTypeIds: tf.Tensor2D;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** What is wrong with one input of a call. */
export type InputProblem = 'too-long' | 'no-mask' | 'mask-truncated';

/**
 * An input a pipeline cannot answer: too long under `truncation: 'error'`, no `[MASK]` (fill-mask), or every
 * `[MASK]` cut by truncation. The message is `<task>: input <index> <detail>; <hint>`; the fields let a caller
 * (the CLI) name the input its own way (`stdin:3`).
 */
export class PipelineInputError extends Error {
  override name = 'PipelineInputError';
  constructor(
    readonly task: string,
    /** Index of the input in the call (0-based). */
    readonly index: number,
    readonly problem: InputProblem,
    /** What is wrong, after "input N" (e.g. `has no [MASK] token ("a b")`). */
    readonly detail: string,
    /** What to do about it. */
    readonly hint: string,
  ) {
    super(`${task}: input ${index} ${detail}; ${hint}`);
  }
}

/**
 * Resolve batch size, truncation, max length and padding against the model config: the max length is at most
 * max_position_embeddings; a Flax-semantics model (`kernel_length: max_position`) always pads to exactly P.
 *
 * @example
 * resolveEncodePlan(createConfig(TINY), {}); // { maxLength: 16, paddedLength: 16, padding: 'max_length', … }
 */
export function resolveEncodePlan(config: BiGSConfig, options: PipelineOptions): EncodePlan {
  const p = config.maxPositionEmbeddings;
  const batchSize = options.batchSize ?? 8;
  if (!isInt(batchSize) || batchSize < 1) {
    throw new Error(`pipeline: option batchSize must be an integer >= 1, got ${JSON.stringify(batchSize)}`);
  }
  const truncation = options.truncation ?? 'truncate';
  if (truncation !== 'truncate' && truncation !== 'error') {
    throw new Error(
      `pipeline: option truncation must be 'truncate' or 'error', got ${JSON.stringify(truncation)}`,
    );
  }
  const padding = options.padding ?? 'max_length';
  if (padding !== 'max_length' && padding !== 'longest') {
    throw new Error(
      `pipeline: option padding must be 'max_length' or 'longest', got ${JSON.stringify(padding)}`,
    );
  }
  const maxLength = options.maxLength ?? p;
  if (!isInt(maxLength) || maxLength < 3 || maxLength > p) {
    throw new Error(
      `pipeline: option maxLength must be an integer in [3, ${p}] (max_position_embeddings), got ${JSON.stringify(maxLength)}`,
    );
  }
  const flax = config.kernelLength === 'max_position';
  if (flax && padding === 'longest') {
    throw new Error(
      `pipeline: option padding 'longest' is not possible: this model follows the Flax length semantics ` +
        `(kernel_length 'max_position': inputs must be exactly ${p} tokens); use padding 'max_length', or load ` +
        `with overrides { kernelLength: 'input' }`,
    );
  }
  return { maxLength, paddedLength: flax ? p : maxLength, padding, truncation, batchSize };
}

/**
 * `{ text, pair }` of an input, validated (the message names the input's index).
 *
 * @example
 * textPair('a b', 0, 'fill-mask'); // { text: 'a b', pair: null }
 */
export function textPair(
  input: TextInput,
  index: number,
  task: string,
): { text: string; pair: string | null } {
  if (typeof input === 'string') return { text: input, pair: null };
  if (typeof input === 'object' && input !== null && typeof input.text === 'string') {
    const pair = input.pair ?? null;
    if (pair !== null && typeof pair !== 'string') {
      throw new Error(`${task}: input ${index}: field 'pair' must be a string or null, got ${typeof pair}`);
    }
    return { text: input.text, pair };
  }
  throw new Error(
    `${task}: input ${index} must be a string or { text, pair? }, got ${JSON.stringify(input)?.slice(0, 80)}`,
  );
}

/**
 * Tokenise inputs with `[CLS]`/`[SEP]`, offsets and token strings; inputs longer than `plan.maxLength` are cut
 * (`truncated: true`) or, with `truncation: 'error'`, refused with an Error naming the input and both lengths.
 *
 * @example
 * encodeInputs(tok, [{ text: 'a b', pair: null }], plan, 'fill-mask')[0].encoding.inputIds; // Int32Array [4]
 */
export function encodeInputs(
  tok: BertTokenizer,
  inputs: readonly { text: string; pair: string | null }[],
  plan: EncodePlan,
  task: string,
): EncodedInput[] {
  return inputs.map(({ text, pair }, i) => {
    const full = tok.encode(text, pair, { returnOffsets: true });
    const n = full.inputIds.length;
    if (n <= plan.maxLength) {
      return { text, pair, encoding: full, truncated: false, originalNumTokens: n };
    }
    if (plan.truncation === 'error') {
      throw new PipelineInputError(
        task,
        i,
        'too-long',
        `is ${n} tokens long ([CLS]/[SEP] included), more than the max length ${plan.maxLength} ("${excerpt(text)}")`,
        "shorten it, or use truncation 'truncate'",
      );
    }
    const encoding = tok.encode(text, pair, {
      maxLength: plan.maxLength,
      truncation: 'longest_first',
      returnOffsets: true,
    });
    return { text, pair, encoding, truncated: true, originalNumTokens: n };
  });
}

/** The first 40 characters of a text, for messages. */
export function excerpt(text: string, chars = 40): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}…`;
}

/** Row length of a batch: the plan's padded length, or the longest row with `longest` padding. */
export function batchLength(rows: readonly EncodedInput[], plan: EncodePlan): number {
  if (plan.padding === 'max_length') return plan.paddedLength;
  return rows.reduce((m, r) => Math.max(m, r.encoding.inputIds.length), 1);
}

/**
 * Right-pad rows to `length` with the tokenizer's `[PAD]` (mask 0, token type 0) and make the input tensors.
 *
 * @example
 * const b = batchTensors(rows, 16, tok.padTokenId); // b.inputIds: [rows.length, 16]
 */
export function batchTensors(rows: readonly EncodedInput[], length: number, padId: number): InputBatch {
  const b = rows.length;
  const ids = new Int32Array(b * length).fill(padId);
  const mask = new Float32Array(b * length);
  const types = new Int32Array(b * length);
  rows.forEach((r, i) => {
    const e = r.encoding;
    ids.set(e.inputIds, i * length);
    types.set(e.tokenTypeIds, i * length);
    for (let t = 0; t < e.attentionMask.length; t++) mask[i * length + t] = e.attentionMask[t]!;
  });
  return {
    inputIds: tf.tensor2d(ids, [b, length], 'int32'), // [B, L]
    attentionMask: tf.tensor2d(mask, [b, length], 'float32'), // [B, L]
    tokenTypeIds: tf.tensor2d(types, [b, length], 'int32'), // [B, L]
  };
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
