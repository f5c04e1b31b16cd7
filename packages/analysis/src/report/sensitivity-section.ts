import type { BertTokenizer } from '@bigs/data';
import type { AnyBiGSModel } from '@bigs/models';
import { sensitivityPlot } from '../sensitivity/plots.js';
import {
  paddingShare,
  type SensitivityMap,
  type SensitivityMethod,
  sensitivityMap,
  sensitivityStats,
} from '../sensitivity/sensitivity.js';
import { textExcerpt } from '../util/shell.js';
import type { ReportSection } from './document.js';
import type { Written } from './kernel-sections.js';

/** Longest text the report quotes in full; a longer one is shown as an excerpt and saved whole as {@link TEXT_FILE}. */
export const TEXT_EXCERPT_CHARS = 200;

/** File (in `outDir`) holding the whole analysed text when it is longer than {@link TEXT_EXCERPT_CHARS}. */
export const TEXT_FILE = 'text.txt';

/** The analysed text, as the report and `analysis.json` describe it. */
export interface AnalyzedText {
  /** Length in UTF-16 units. */
  characters: number;
  /** Word-piece tokens of the text (without `[CLS]`/`[SEP]`). */
  tokens: number;
  /** Tokens analysed: all of them unless the text was cut to max_position_embeddings. */
  keptTokens: number;
  truncated: boolean;
  /** The text when at most {@link TEXT_EXCERPT_CHARS} long, else its start followed by `…`. */
  excerpt: string;
  /** {@link TEXT_FILE} when the whole text was saved next to the report (it is longer than the excerpt). */
  file: string | null;
}

export const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/**
 * Describe `text` as the model will read it: token count, what is kept of it (max_position_embeddings minus
 * `[CLS]`/`[SEP]`, with a warning when cut), the excerpt the report quotes. Throws when it has no tokens.
 */
export function describeText(
  text: string,
  tok: BertTokenizer,
  source: string,
  P: number,
  defaultText: boolean,
  warn: (message: string) => void,
): AnalyzedText {
  const excerpt = textExcerpt(text, TEXT_EXCERPT_CHARS);
  const numTextTokens = tok.encodeSequence(text).ids.length;
  if (numTextTokens === 0) {
    throw new Error(
      `text ${JSON.stringify(textExcerpt(text, 40))} has no tokens after tokenization (tokenizer: ${source})`,
    );
  }
  const keptTokens = Math.min(numTextTokens, P - 2);
  const input: AnalyzedText = {
    characters: text.length,
    tokens: numTextTokens,
    keptTokens,
    truncated: keptTokens < numTextTokens,
    excerpt,
    file: excerpt === text ? null : TEXT_FILE,
  };
  if (input.truncated) {
    warn(
      `${defaultText ? 'default sentence' : 'text'} truncated: kept the first ${keptTokens} of ${numTextTokens} tokens ` +
        `(the model takes ${P} positions, max_position_embeddings, including [CLS] and [SEP])`,
    );
  }
  return input;
}

/** How the sensitivity map is computed. */
export interface SensitivityOptions {
  /** Hidden state (0 = embeddings; default the last). */
  sensitivityLayer?: number | undefined;
  sensitivityMethod?: SensitivityMethod | undefined;
  numProjections?: number | undefined;
  numLayers: number;
}

/** The sensitivity map of `text` and what the report shows of it. */
export interface SensitivityResult {
  map: SensitivityMap;
  layer: number;
  tokens: string[];
  stats: ReturnType<typeof sensitivityStats>;
  paddingShare: number;
  /** Positions of the real (non-padding) tokens. */
  real: number[];
  paddedLength: number;
  svg: string;
}

/** Compute the gradient sensitivity map of `text` and its plot. */
export function measureSensitivity(
  model: AnyBiGSModel,
  tok: BertTokenizer,
  text: string,
  o: SensitivityOptions,
): SensitivityResult {
  const padFlax = model.config.kernelLength === 'max_position';
  const enc = tok.encode(text, null, {
    maxLength: model.config.maxPositionEmbeddings,
    truncation: 'longest_first',
    padding: padFlax ? 'max_length' : false,
    returnTokens: true,
  });
  const tokens = enc.tokens ?? tok.convertIdsToTokens(enc.inputIds);
  const sLayer = o.sensitivityLayer ?? o.numLayers;
  const map = sensitivityMap(
    model,
    { inputIds: enc.inputIds, attentionMask: enc.attentionMask, tokenTypeIds: enc.tokenTypeIds },
    {
      layer: sLayer,
      ...(o.sensitivityMethod ? { method: o.sensitivityMethod } : {}),
      ...(o.numProjections ? { numProjections: o.numProjections } : {}),
    },
  );
  const real = Array.from(enc.attentionMask).flatMap((m, i) => (m ? [i] : []));
  const stats = sensitivityStats(map);
  const padShare = paddingShare(map, enc.attentionMask);
  const sSvg = sensitivityPlot(map, {
    title: `Sensitivity ‖∂h_t/∂e_s‖, hidden state ${sLayer}${sLayer === o.numLayers ? ' (last)' : ''}`,
    tokens,
    columns: real,
  });
  return {
    map,
    layer: sLayer,
    tokens,
    stats,
    paddingShare: padShare,
    real,
    paddedLength: enc.inputIds.length,
    svg: sSvg,
  };
}

/** The report's "Input-dependent interactions" section (the plot goes into `written`). */
export function sensitivitySection(
  model: AnyBiGSModel,
  input: AnalyzedText,
  source: string,
  s: SensitivityResult,
  written: Written,
): ReportSection {
  const { map, layer: sLayer, stats, real } = s;
  const padShare = s.paddingShare;
  const sSvg = s.svg;
  written.set('sensitivity.svg', sSvg);
  return {
    title: 'Input-dependent interactions (gradient sensitivity)',
    blocks: [
      {
        kind: 'p',
        text:
          `For the text below (${input.characters} characters, ${input.tokens} tokens` +
          (input.truncated
            ? `; **truncated**: only the first ${input.keptTokens} of ${input.tokens} tokens were analysed, the model takes ${model.config.maxPositionEmbeddings} positions including [CLS] and [SEP]`
            : '') +
          (input.file
            ? `; the first ${TEXT_EXCERPT_CHARS} characters are shown, the whole text is in \`${input.file}\``
            : '') +
          `; tokenizer: ${source}), S[t, s] = ‖∂h_t/∂e_s‖_F is the norm of the Jacobian block of the hidden state at position t ` +
          `(hidden state ${sLayer}; 0 = embeddings) with respect to the input embedding at position s (the embedding LayerNorm output), normalised so each row sums to 1. ` +
          (map.method === 'exact'
            ? `Computed exactly with tf.grad (H = ${model.config.hiddenSize} basis probes per position).`
            : `Estimated with ${map.probes} Gaussian random projections per position (E‖vᵀJ‖² = ‖J‖_F²; relative error of a squared entry ≈ √(2/${map.probes})).`),
      },
      { kind: 'code', text: input.excerpt },
      {
        kind: 'p',
        text:
          model.config.routing === 'bissm'
            ? 'BiGS mixes tokens only through its static kernels, but the gates (multiplicative, position-wise) and the GELUs make the actual sensitivity depend on the input: compare this map with the Toeplitz maps above. ' +
              'The SSMs ignore the attention mask, so padding is read like any token.'
            : 'Attention computes its token-to-token weights from the input, so this map changes with the sentence; padded positions are masked out and get zero sensitivity.',
      },
      {
        kind: 'figure',
        file: 'sensitivity.svg',
        svg: sSvg,
        caption:
          'Row-normalised sensitivity map over the real tokens (rows: output position, columns: input position).',
      },
      {
        kind: 'table',
        header: [
          'mean |t − s|',
          'mass s < t',
          'mass s = t',
          'mass s > t',
          'mass on padding',
          'tokens',
          'padded length',
        ],
        rows: [
          [
            f3(stats.meanDistance),
            f3(stats.left),
            f3(stats.self),
            f3(stats.right),
            f3(padShare),
            String(real.length),
            String(s.paddedLength),
          ],
        ],
      },
    ],
  };
}
