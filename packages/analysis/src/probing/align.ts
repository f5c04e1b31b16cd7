import type { BertTokenizer } from '@bigs/data';

/** How a word's vector is formed from its WordPiece sub-tokens. */
export type WordPooling = 'first' | 'mean';

/** A pre-tokenised sentence encoded as `[CLS] pieces… [SEP] [PAD]…`, with each word's sub-token span. */
export interface AlignedSentence {
  /** [L] */
  inputIds: Int32Array;
  /** [L] 1 = real token, 0 = padding. */
  attentionMask: Int32Array;
  /** [L] all 0. */
  tokenTypeIds: Int32Array;
  /** Sub-token span [start, end) of each kept word (word w = index w of the input words). */
  spans: [number, number][];
  /** Words that did not fit in `maxLength` (dropped from the end). */
  truncatedWords: number;
  /** Token strings [L] (for labels in plots). */
  tokens: string[];
}

/**
 * Encode a sentence given as words (e.g. CoNLL-U FORMs): each word is WordPiece-tokenised on its own (so sub-tokens
 * never cross word boundaries), laid out as `[CLS] … [SEP]`, then right-padded to `padTo`. Words that do not fit in
 * `maxLength` (including `[CLS]`/`[SEP]`) are dropped from the end; a word whose text yields no pieces maps to `[UNK]`.
 *
 * @example
 * const a = alignWords(tok, ['The', 'cats', 'slept'], { maxLength: 16 });
 * a.spans; // e.g. [[1, 2], [2, 4], [4, 5]] when 'cats' → 'cat', '##s'
 */
export function alignWords(
  tokenizer: BertTokenizer,
  words: readonly string[],
  options: { maxLength: number; padTo?: number },
): AlignedSentence {
  const { maxLength } = options;
  if (!Number.isInteger(maxLength) || maxLength < 3) {
    throw new Error(
      `alignWords: maxLength must be an integer >= 3 (room for [CLS] x [SEP]), got ${maxLength}`,
    );
  }
  const padTo = options.padTo ?? 0;
  if (padTo > maxLength) throw new Error(`alignWords: padTo (${padTo}) must be <= maxLength (${maxLength})`);
  const ids: number[] = [tokenizer.clsTokenId];
  const spans: [number, number][] = [];
  let truncated = 0;
  for (let w = 0; w < words.length; w++) {
    let pieces = tokenizer.encodeSequence(words[w]!).ids;
    if (pieces.length === 0) pieces = [tokenizer.unkTokenId];
    if (ids.length + pieces.length + 1 > maxLength) {
      truncated = words.length - w;
      break;
    }
    spans.push([ids.length, ids.length + pieces.length]);
    ids.push(...pieces);
  }
  ids.push(tokenizer.sepTokenId);
  const real = ids.length;
  while (ids.length < padTo) ids.push(tokenizer.padTokenId);
  const L = ids.length;
  const mask = new Int32Array(L);
  mask.fill(1, 0, real);
  return {
    inputIds: Int32Array.from(ids),
    attentionMask: mask,
    tokenTypeIds: new Int32Array(L),
    spans,
    truncatedWords: truncated,
    tokens: tokenizer.convertIdsToTokens(ids),
  };
}

/**
 * Word vectors from token vectors: the first sub-token's vector or the mean over the word's sub-tokens.
 *
 * @param hidden - token vectors, row-major [L, H]
 * @returns row-major [spans.length, H]
 * @example
 * poolWords(h, 4, [[1, 2], [2, 4]], 'mean'); // Float32Array [2 * 4]
 */
export function poolWords(
  hidden: ArrayLike<number>,
  h: number,
  spans: readonly [number, number][],
  pooling: WordPooling,
): Float32Array {
  const out = new Float32Array(spans.length * h); // [W, H]
  spans.forEach(([a, b], w) => {
    const end = pooling === 'first' ? a + 1 : b;
    const n = end - a;
    for (let t = a; t < end; t++) {
      for (let k = 0; k < h; k++) out[w * h + k]! += hidden[t * h + k]! / n;
    }
  });
  return out;
}
