import type { Vocab } from './vocab.js';

/** Options of the WordPiece model. */
export interface WordPieceOptions {
  /** Token for words that cannot be split into vocabulary pieces. Default `[UNK]`. */
  unkToken?: string;
  /** Prefix of non-initial pieces. Default `##`. */
  continuingSubwordPrefix?: string;
  /** Words longer than this (in code points) become `unkToken`. Default 100. */
  maxInputCharsPerWord?: number;
}

/** A piece of a word: its id and its span `[from, to)` in the word's UTF-16 units. */
export interface Piece {
  id: number;
  from: number;
  to: number;
}

/**
 * Greedy longest-match-first WordPiece (BERT's `WordpieceTokenizer`): at each position take the longest
 * vocabulary entry (with the `##` prefix after the first piece); if some position has no match, or the word has
 * more than `maxInputCharsPerWord` code points, the whole word is one `[UNK]`.
 *
 * @example
 * // vocab: un, ##aff, ##able, [UNK]
 * wp.split('unaffable'); // [{id:un,from:0,to:2}, {id:##aff,from:2,to:5}, {id:##able,from:5,to:9}]
 */
export class WordPiece {
  readonly unkToken: string;
  readonly unkId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  /** Longest vocabulary entry, in UTF-16 units, without the prefix (bounds the search). */
  private readonly maxPieceLength: number;

  constructor(
    readonly vocab: Vocab,
    options: WordPieceOptions = {},
  ) {
    this.unkToken = options.unkToken ?? '[UNK]';
    this.prefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unk = vocab.id(this.unkToken);
    if (unk === undefined) {
      throw new Error(`WordPiece: unk token ${JSON.stringify(this.unkToken)} is not in the vocabulary`);
    }
    this.unkId = unk;
    let max = 1;
    for (const t of vocab.tokens) {
      const n = t.startsWith(this.prefix) ? t.length - this.prefix.length : t.length;
      if (n > max) max = n;
    }
    this.maxPieceLength = max;
  }

  /** Splits one (normalized) word into pieces; appends to `out` and returns it. */
  split(word: string, out: Piece[] = []): Piece[] {
    const n = word.length;
    if (n === 0) return out;
    if (n > this.maxInputCharsPerWord && countCodePoints(word) > this.maxInputCharsPerWord) {
      out.push({ id: this.unkId, from: 0, to: n });
      return out;
    }
    const ids = this.vocab.map;
    const first = out.length;
    let start = 0;
    while (start < n) {
      let end = Math.min(n, start + this.maxPieceLength);
      // Never cut a surrogate pair.
      if (end < n && isLowSurrogate(word.charCodeAt(end))) end--;
      let found: number | undefined;
      while (end > start) {
        const sub = start > 0 ? this.prefix + word.slice(start, end) : word.slice(start, end);
        found = ids.get(sub);
        if (found !== undefined) break;
        end--;
        if (end > start && isLowSurrogate(word.charCodeAt(end))) end--;
      }
      if (found === undefined) {
        out.length = first;
        out.push({ id: this.unkId, from: 0, to: n });
        return out;
      }
      out.push({ id: found, from: start, to: end });
      start = end;
    }
    return out;
  }
}

function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (!(isLowSurrogate(u) && i > 0)) n++;
  }
  return n;
}
