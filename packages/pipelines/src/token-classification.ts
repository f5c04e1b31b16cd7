import type { BiGSForTokenClassification } from '@bigs/models';
import { forEachBatch, makeCallable, type PipelineContext, resultBase } from './context.js';
import { encodeInputs, textPair } from './encode.js';
import { softmax, topKIndices } from './scores.js';
import { labelName } from './text-classification.js';
import type { PipelineBase, ResultBase, TextInput } from './types.js';

/** Options of one token-classification call. */
export interface TokenClassificationCallOptions {
  /** Labels left out of `words` (e.g. `['O']`); default none. `tokens` keeps every token. */
  ignoreLabels?: readonly string[];
}

/** The label of one word-piece token. */
export interface TokenPrediction {
  /** Token position (0 = `[CLS]`). */
  position: number;
  /** The word piece (`sail`, `##or`). */
  token: string;
  /** 0: first text, 1: the pair. */
  segment: number;
  /** Index of the word it belongs to, within its segment (the tokenizer's word ids). */
  word: number;
  /** `[start, end)` UTF-16 offsets into its segment's text. */
  start: number;
  end: number;
  label: string;
  /** Softmax probability of the label. */
  score: number;
}

/** The label of one word: the label of its first word piece (HF aggregation `first`). */
export interface WordPrediction {
  /** The word as written in the text. */
  word: string;
  segment: number;
  start: number;
  end: number;
  label: string;
  score: number;
  /** Positions of its word pieces. */
  positions: number[];
}

/** Token-classification answer for one input. */
export interface TokenClassificationResult extends ResultBase {
  /** Every real token (no `[CLS]`/`[SEP]`/padding), in order. */
  tokens: TokenPrediction[];
  /** Words (pieces grouped by the tokenizer's word ids, offsets from the original text), minus ignored labels. */
  words: WordPrediction[];
}

/** A token-classification pipeline: `await tag('the old sailor')` → per-token and per-word labels. */
export interface TokenClassificationPipeline extends PipelineBase<'token-classification'> {
  (input: TextInput, options?: TokenClassificationCallOptions): Promise<TokenClassificationResult>;
  (
    inputs: readonly TextInput[],
    options?: TokenClassificationCallOptions,
  ): Promise<TokenClassificationResult[]>;
}

async function runTokenClassification(
  ctx: PipelineContext<'token-classification'>,
  inputs: readonly TextInput[],
  options: TokenClassificationCallOptions,
): Promise<TokenClassificationResult[]> {
  const ignore = new Set(options.ignoreLabels ?? []);
  const rows = encodeInputs(
    ctx.tokenizer,
    inputs.map((x, i) => textPair(x, i, 'token-classification')),
    ctx.plan,
    'token-classification',
  );
  const model = ctx.model as BiGSForTokenClassification;
  const config = model.config;
  const c = config.numLabels;
  return forEachBatch(
    ctx,
    rows,
    (batch) => model.forward(batch).logits, // [B, L, C]
    (data, part, length) =>
      part.map((row, b) => {
        const e = row.encoding;
        const tokens: TokenPrediction[] = [];
        for (let t = 0; t < e.inputIds.length; t++) {
          if (e.specialTokensMask[t] === 1) continue;
          const probs = softmax(data, (b * length + t) * c, c);
          const best = topKIndices(probs, 1)[0]!;
          const [start, end] = e.offsets![t]!;
          tokens.push({
            position: t,
            token: e.tokens![t]!,
            segment: e.tokenTypeIds[t]!,
            word: e.wordIds[t]!,
            start,
            end,
            label: labelName(config, best),
            score: probs[best]!,
          });
        }
        const words: WordPrediction[] = [];
        let prev: TokenPrediction | null = null;
        for (const tp of tokens) {
          const last = words[words.length - 1];
          if (prev && last && prev.segment === tp.segment && prev.word === tp.word) {
            last.end = tp.end;
            last.positions.push(tp.position);
          } else {
            words.push({
              word: '',
              segment: tp.segment,
              start: tp.start,
              end: tp.end,
              label: tp.label,
              score: tp.score,
              positions: [tp.position],
            });
          }
          prev = tp;
        }
        for (const w of words) w.word = (w.segment === 0 ? row.text : (row.pair ?? '')).slice(w.start, w.end);
        return { ...resultBase(row), tokens, words: words.filter((w) => !ignore.has(w.label)) };
      }),
  );
}

/** Build the token-classification pipeline of a loaded context (use {@link pipeline}). */
export function createTokenClassification(
  ctx: PipelineContext<'token-classification'>,
): TokenClassificationPipeline {
  return makeCallable<
    'token-classification',
    TokenClassificationCallOptions,
    TokenClassificationResult,
    TokenClassificationPipeline
  >(ctx, (inputs, o) => runTokenClassification(ctx, inputs, o));
}
