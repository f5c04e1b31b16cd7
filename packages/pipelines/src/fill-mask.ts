import type { BertTokenizer } from '@bigs/data';
import type { BiGSForMaskedLM } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { forEachBatch, makeCallable, type PipelineContext, resultBase } from './context.js';
import { type EncodedInput, encodeInputs, excerpt, PipelineInputError, textPair } from './encode.js';
import { softmax, topKIndices } from './scores.js';
import type { PipelineBase, ResultBase, TextInput } from './types.js';

/** Options of one fill-mask call. */
export interface FillMaskCallOptions {
  /** Predictions per `[MASK]` (default 5). */
  topK?: number;
}

/** One candidate for one `[MASK]`. */
export interface FillMaskPrediction {
  /** Token id. */
  token: number;
  /** The vocabulary entry (`sailor`, `##s`). */
  tokenStr: string;
  /** Softmax probability over the vocabulary. */
  score: number;
  /** The input text with this `[MASK]` replaced by the token (other masks left as they are). */
  sequence: string;
}

/** One `[MASK]` of an input and its candidates. */
export interface FillMaskSlot {
  /** Token position (0 = `[CLS]`). */
  position: number;
  /** `[start, end)` UTF-16 offsets of the `[MASK]` in the text. */
  start: number;
  end: number;
  /** Best first. */
  predictions: FillMaskPrediction[];
}

/** Fill-mask answer for one input. */
export interface FillMaskResult extends ResultBase {
  /** One entry per `[MASK]` kept, in text order. */
  masks: FillMaskSlot[];
  /** The text with every `[MASK]` replaced by its best token. */
  filled: string;
}

/**
 * A fill-mask pipeline: `await fill('the old [MASK] told a story')` → {@link FillMaskResult}; an array of texts →
 * an array of results.
 */
export interface FillMaskPipeline extends PipelineBase<'fill-mask'> {
  (input: TextInput, options?: FillMaskCallOptions): Promise<FillMaskResult>;
  (inputs: readonly TextInput[], options?: FillMaskCallOptions): Promise<FillMaskResult[]>;
}

/** The token as it reads in text: a `##` continuation without its prefix. */
function surface(tok: BertTokenizer, token: string): string {
  const prefix = tok.wordPiece.prefix;
  return token.startsWith(prefix) && token.length > prefix.length ? token.slice(prefix.length) : token;
}

/** `text` with the spans replaced (spans in any order, not overlapping). */
function replaceSpans(text: string, spans: readonly { start: number; end: number; by: string }[]): string {
  let out = text;
  for (const s of [...spans].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, s.start) + s.by + out.slice(s.end);
  }
  return out;
}

function maskPositions(tok: BertTokenizer, row: EncodedInput): number[] {
  const ids = row.encoding.inputIds;
  const out: number[] = [];
  for (let t = 0; t < ids.length; t++) if (ids[t] === tok.maskTokenId) out.push(t);
  return out;
}

/** The top-k predictions for the mask at token `t` of `row`, from its logits at `data[offset … offset + v)`. */
function maskSlot(
  tok: BertTokenizer,
  row: EncodedInput,
  t: number,
  data: ArrayLike<number>,
  offset: number,
  v: number,
  topK: number,
): FillMaskSlot {
  const [start, end] = row.encoding.offsets![t]!;
  const probs = softmax(data, offset, v);
  const vocab = tok.vocab.tokens;
  const predictions = topKIndices(probs, topK).map((id) => {
    const tokenStr = vocab[id] ?? `<id ${id}>`; // an id past the tokenizer's vocabulary
    return {
      token: id,
      tokenStr,
      score: probs[id]!,
      sequence: replaceSpans(row.text, [{ start, end, by: surface(tok, tokenStr) }]),
    };
  });
  return { position: t, start, end, predictions };
}

/** The `[MASK]` positions of every row; an error naming the input when a row has none (or truncation cut them). */
function maskPositionsOf(tok: BertTokenizer, rows: readonly EncodedInput[], maxLength: number): number[][] {
  const mask = tok.specialTokens.mask;
  return rows.map((row, i) => {
    const pos = maskPositions(tok, row);
    if (pos.length === 0) {
      const hadMask = row.truncated && tok.encode(row.text).inputIds.includes(tok.maskTokenId);
      throw hadMask
        ? new PipelineInputError(
            'fill-mask',
            i,
            'mask-truncated',
            `has every ${mask} beyond the max length ${maxLength} tokens, so truncation cut them all ` +
              `("${excerpt(row.text)}")`,
            `shorten the text before the ${mask}`,
          )
        : new PipelineInputError(
            'fill-mask',
            i,
            'no-mask',
            `has no ${mask} token ("${excerpt(row.text)}")`,
            `put ${mask} where the word to predict goes`,
          );
    }
    return pos;
  });
}

async function runFillMask(
  ctx: PipelineContext<'fill-mask'>,
  inputs: readonly TextInput[],
  options: FillMaskCallOptions,
): Promise<FillMaskResult[]> {
  const tok = ctx.tokenizer;
  const topK = options.topK ?? 5;
  if (!Number.isInteger(topK) || topK < 1) {
    throw new Error(`fill-mask: option topK must be an integer >= 1, got ${JSON.stringify(topK)}`);
  }
  const pairs = inputs.map((x, i) => {
    const p = textPair(x, i, 'fill-mask');
    if (p.pair !== null) throw new Error(`fill-mask: input ${i}: takes single texts, not pairs`);
    return p;
  });
  const rows = encodeInputs(tok, pairs, ctx.plan, 'fill-mask');
  const positions = maskPositionsOf(tok, rows, ctx.plan.maxLength);
  const model = ctx.model as BiGSForMaskedLM;
  const v = model.config.vocabSize;
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  return forEachBatch(
    ctx,
    rows,
    (batch, part) => {
      const m = Math.max(...part.map((r) => positions[rowIndex.get(r)!]!.length));
      const pos = new Int32Array(part.length * m); // unused slots point at [CLS] and are skipped
      part.forEach((r, b) => {
        pos.set(positions[rowIndex.get(r)!]!, b * m);
      });
      const maskedPositions = tf.tensor2d(pos, [part.length, m], 'int32'); // [B, M]
      return model.forward({ ...batch, maskedPositions }).logits; // [B, M, V]
    },
    (data, part, _length, shape) =>
      part.map((row, b) => {
        const slots = positions[rowIndex.get(row)!]!.map((t, j) =>
          maskSlot(tok, row, t, data, (b * shape[1]! + j) * v, v, topK),
        );
        const filled = replaceSpans(
          row.text,
          slots.map((s) => ({ start: s.start, end: s.end, by: surface(tok, s.predictions[0]!.tokenStr) })),
        );
        return { ...resultBase(row), masks: slots, filled };
      }),
  );
}

/** Build the fill-mask pipeline of a loaded context (use {@link pipeline}). */
export function createFillMask(ctx: PipelineContext<'fill-mask'>): FillMaskPipeline {
  return makeCallable<'fill-mask', FillMaskCallOptions, FillMaskResult, FillMaskPipeline>(ctx, (inputs, o) =>
    runFillMask(ctx, inputs, o),
  );
}
