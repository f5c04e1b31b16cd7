import { BasicTokenizer, type BasicTokenizerOptions } from './basic-tokenizer.js';
import { parseVocabTxt, Vocab } from './vocab.js';
import { type Piece, WordPiece, type WordPieceOptions } from './wordpiece.js';

/** The five BERT special tokens (their strings). */
export interface SpecialTokens {
  pad: string;
  unk: string;
  cls: string;
  sep: string;
  mask: string;
}

export const DEFAULT_SPECIAL_TOKENS: Readonly<SpecialTokens> = {
  pad: '[PAD]',
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  mask: '[MASK]',
};

/** Everything that configures a {@link BertTokenizer} besides its vocabulary. */
export interface BertTokenizerOptions extends Omit<BasicTokenizerOptions, 'neverSplit'>, WordPieceOptions {
  /** Special token strings; defaults {@link DEFAULT_SPECIAL_TOKENS}. All must be in the vocabulary. */
  specialTokens?: Partial<SpecialTokens>;
  /** Extra strings kept whole (matched in the raw text); the special tokens are always added. */
  neverSplit?: readonly string[];
  /** `decode` removes spaces before punctuation and contractions (HF `cleanup`). Default `true`. */
  cleanupTokenizationSpaces?: boolean;
}

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second' | false;
export type PaddingStrategy = 'max_length' | 'longest' | false;

/** Options of {@link BertTokenizer.encode}. */
export interface EncodeOptions {
  /** Length budget including `[CLS]`/`[SEP]`. */
  maxLength?: number;
  /** Default: `'longest_first'` when `maxLength` is set, else `false`. */
  truncation?: TruncationStrategy;
  /** Default `false`. `'longest'` pads a batch to its longest member (no-op for a single `encode`). */
  padding?: PaddingStrategy;
  /** Also return `offsets` (and `tokens`). Default `false`. */
  returnOffsets?: boolean;
  /** Also return the token strings. Default `false`. */
  returnTokens?: boolean;
  /** Add `[CLS]`/`[SEP]`. Default `true`. */
  addSpecialTokens?: boolean;
}

/**
 * One encoded sequence (or pair). All arrays have the same length L (after truncation and padding).
 * Pair layout: `[CLS] A [SEP] B [SEP]`, token types 0 for `[CLS] A [SEP]`, 1 for `B [SEP]`, 0 for padding.
 */
export interface Encoding {
  /** Token ids. [L] */
  inputIds: Int32Array;
  /** 0 for sequence A (and specials before it, and padding), 1 for sequence B. [L] */
  tokenTypeIds: Int32Array;
  /** 1 for real tokens, 0 for padding. [L] */
  attentionMask: Int32Array;
  /** 1 for tokens added by the template (`[CLS]`, `[SEP]`) and padding, else 0. [L] */
  specialTokensMask: Int32Array;
  /**
   * Index of the pre-tokenized word each token belongs to, within its own sequence (B restarts at 0, as in
   * HF `word_ids()`); -1 for `[CLS]`/`[SEP]`/padding. A word is identified by (tokenTypeIds, wordIds). [L]
   */
  wordIds: Int32Array;
  /** `[start, end)` UTF-16 offsets into the original text of the token's sequence; `[0, 0]` for specials. */
  offsets?: [number, number][];
  /** Token strings (when `returnTokens` or `returnOffsets`). */
  tokens?: string[];
}

interface SeqEncoding {
  ids: number[];
  starts: number[];
  ends: number[];
  words: number[];
}

/**
 * BERT WordPiece tokenizer (cased or uncased): BERT basic tokenization, greedy longest-match-first WordPiece,
 * `[CLS] A [SEP] B [SEP]` template, truncation, padding, offsets, word ids, decoding.
 *
 * @example
 * const tok = BertTokenizer.fromVocabTxt(vocabText, { lowercase: true });
 * const enc = tok.encode('Hello world!', 'How are you?', { maxLength: 16, padding: 'max_length' });
 * enc.inputIds; // Int32Array [16]: [CLS] hello world ! [SEP] how are you ? [SEP] [PAD] ...
 */
export class BertTokenizer {
  readonly vocab: Vocab;
  readonly basic: BasicTokenizer;
  readonly wordPiece: WordPiece;
  readonly specialTokens: Readonly<SpecialTokens>;
  readonly cleanupTokenizationSpaces: boolean;
  readonly padTokenId: number;
  readonly unkTokenId: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly maskTokenId: number;
  private readonly continuation: Uint8Array;
  private readonly specialIds: Set<number>;

  constructor(vocab: Vocab | readonly string[], options: BertTokenizerOptions = {}) {
    this.vocab = vocab instanceof Vocab ? vocab : new Vocab(vocab);
    const sp: SpecialTokens = { ...DEFAULT_SPECIAL_TOKENS, ...options.specialTokens };
    if (options.unkToken !== undefined) sp.unk = options.unkToken;
    this.specialTokens = sp;
    const idOf = (role: keyof SpecialTokens): number => {
      const id = this.vocab.id(sp[role]);
      if (id === undefined) {
        throw new Error(
          `BertTokenizer: special token ${role}=${JSON.stringify(sp[role])} is not in the vocabulary (size ${this.vocab.size})`,
        );
      }
      return id;
    };
    this.padTokenId = idOf('pad');
    this.unkTokenId = idOf('unk');
    this.clsTokenId = idOf('cls');
    this.sepTokenId = idOf('sep');
    this.maskTokenId = idOf('mask');
    this.specialIds = new Set([
      this.padTokenId,
      this.unkTokenId,
      this.clsTokenId,
      this.sepTokenId,
      this.maskTokenId,
    ]);
    const neverSplit = [...Object.values(sp), ...(options.neverSplit ?? [])];
    this.basic = new BasicTokenizer({
      lowercase: options.lowercase,
      stripAccents: options.stripAccents,
      cleanText: options.cleanText,
      handleChineseChars: options.handleChineseChars,
      neverSplit,
    });
    this.wordPiece = new WordPiece(this.vocab, {
      unkToken: sp.unk,
      continuingSubwordPrefix: options.continuingSubwordPrefix,
      maxInputCharsPerWord: options.maxInputCharsPerWord,
    });
    this.cleanupTokenizationSpaces = options.cleanupTokenizationSpaces ?? true;
    const prefix = this.wordPiece.prefix;
    this.continuation = new Uint8Array(this.vocab.size);
    this.vocab.tokens.forEach((t, i) => {
      if (t.startsWith(prefix) && t.length > prefix.length) this.continuation[i] = 1;
    });
  }

  /** Options that reproduce this tokenizer with the same vocabulary. */
  get options(): Required<Omit<BertTokenizerOptions, 'specialTokens'>> & { specialTokens: SpecialTokens } {
    const b = this.basic;
    return {
      lowercase: b.lowercase,
      stripAccents: b.stripAccents,
      cleanText: b.cleanText,
      handleChineseChars: b.handleChineseChars,
      neverSplit: b.neverSplit.filter((s) => !Object.values(this.specialTokens).includes(s)),
      unkToken: this.specialTokens.unk,
      continuingSubwordPrefix: this.wordPiece.prefix,
      maxInputCharsPerWord: this.wordPiece.maxInputCharsPerWord,
      cleanupTokenizationSpaces: this.cleanupTokenizationSpaces,
      specialTokens: { ...this.specialTokens },
    };
  }

  /** Builds a tokenizer from the text of a `vocab.txt`. */
  static fromVocabTxt(text: string, options: BertTokenizerOptions = {}, source = 'vocab.txt'): BertTokenizer {
    return new BertTokenizer(parseVocabTxt(text, source), options);
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** Whether `id` is a `##` continuation piece (not the first piece of a word). */
  isSubwordContinuation(id: number): boolean {
    return this.continuation[id] === 1;
  }

  /** Whether `id` is one of the five special tokens. */
  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** WordPiece tokens of `text` (no `[CLS]`/`[SEP]`). */
  tokenize(text: string): string[] {
    return this.encodeSequence(text).ids.map((id) => this.vocab.tokens[id]!);
  }

  /** Ids of `tokens`; tokens not in the vocabulary map to `[UNK]`. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.vocab.id(t) ?? this.unkTokenId);
  }

  /** Tokens of `ids`; throws on an id outside the vocabulary. */
  convertIdsToTokens(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) out.push(this.idToToken(ids[i]!));
    return out;
  }

  private idToToken(id: number): string {
    const t = this.vocab.tokens[id];
    if (t === undefined)
      throw new Error(`BertTokenizer: id ${id} is outside the vocabulary [0, ${this.vocab.size})`);
    return t;
  }

  /** Ids, offsets and word indices of one sequence, without specials. */
  encodeSequence(text: string): SeqEncoding {
    const out: SeqEncoding = { ids: [], starts: [], ends: [], words: [] };
    const words = this.basic.tokenize(text);
    const pieces: Piece[] = [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (word.special) {
        out.ids.push(this.vocab.id(word.text) ?? this.unkTokenId);
        out.starts.push(word.start);
        out.ends.push(word.end);
        out.words.push(w);
        continue;
      }
      pieces.length = 0;
      this.wordPiece.split(word.text, pieces);
      for (const p of pieces) {
        out.ids.push(p.id);
        out.starts.push(word.charStarts[p.from]!);
        out.ends.push(word.charEnds[p.to - 1]!);
        out.words.push(w);
      }
    }
    return out;
  }

  /**
   * Encodes a sequence or a pair: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, with truncation and padding.
   *
   * @example
   * tok.encode('a b', 'c', { maxLength: 8, padding: 'max_length' }).inputIds; // Int32Array [8]
   */
  encode(textA: string, textB?: string | null, options: EncodeOptions = {}): Encoding {
    const a = this.encodeSequence(textA);
    const b = textB === undefined || textB === null ? null : this.encodeSequence(textB);
    const addSpecial = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0)) {
      throw new Error(`encode: maxLength must be a non-negative integer, got ${maxLength}`);
    }
    const truncation = options.truncation ?? (maxLength !== undefined ? 'longest_first' : false);
    if (truncation !== false) {
      if (maxLength === undefined) throw new Error(`encode: truncation '${truncation}' needs maxLength`);
      const nSpecial = addSpecial ? (b ? 3 : 2) : 0;
      this.truncate(a, b, maxLength - nSpecial, truncation);
    }
    const enc = this.assemble(
      a,
      b,
      addSpecial,
      options.returnOffsets ?? false,
      options.returnTokens ?? false,
    );
    const padding = options.padding ?? false;
    if (padding === 'max_length') {
      if (maxLength === undefined) throw new Error(`encode: padding 'max_length' needs maxLength`);
      return this.pad(enc, maxLength);
    }
    return enc;
  }

  /**
   * Encodes many sequences or pairs. With `padding: 'longest'` all encodings are padded to the longest.
   *
   * @example
   * tok.encodeBatch(['a', ['b', 'c']], { padding: 'longest' }); // two Encodings of equal length L
   */
  encodeBatch(
    inputs: readonly (string | readonly [string, string])[],
    options: EncodeOptions = {},
  ): Encoding[] {
    const single: EncodeOptions = {
      ...options,
      padding: options.padding === 'longest' ? false : options.padding,
    };
    const encs = inputs.map((x) =>
      typeof x === 'string' ? this.encode(x, null, single) : this.encode(x[0], x[1], single),
    );
    if (options.padding === 'longest') {
      let longest = 0;
      for (const e of encs) longest = Math.max(longest, e.inputIds.length);
      return encs.map((e) => this.pad(e, longest));
    }
    return encs;
  }

  /** Pads `enc` on the right to `length` (no-op when it is already as long). */
  pad(enc: Encoding, length: number): Encoding {
    const n = enc.inputIds.length;
    if (n >= length) return enc;
    const grow = (src: Int32Array, fill: number) => {
      const dst = new Int32Array(length).fill(fill);
      dst.set(src);
      return dst;
    };
    const out: Encoding = {
      inputIds: grow(enc.inputIds, this.padTokenId),
      tokenTypeIds: grow(enc.tokenTypeIds, 0),
      attentionMask: grow(enc.attentionMask, 0),
      specialTokensMask: grow(enc.specialTokensMask, 1),
      wordIds: grow(enc.wordIds, -1),
    };
    if (enc.offsets) {
      out.offsets = enc.offsets.slice();
      for (let i = n; i < length; i++) out.offsets.push([0, 0]);
    }
    if (enc.tokens) {
      out.tokens = enc.tokens.slice();
      for (let i = n; i < length; i++) out.tokens.push(this.specialTokens.pad);
    }
    return out;
  }

  /** HF `tokenizers` truncation semantics (the Rust library), budget excluding specials. */
  private truncate(
    a: SeqEncoding,
    b: SeqEncoding | null,
    budget: number,
    strategy: TruncationStrategy,
  ): void {
    if (budget < 0)
      throw new Error(`encode: maxLength is smaller than the ${b ? 3 : 2} special tokens it must hold`);
    const n1 = a.ids.length;
    const n2 = b ? b.ids.length : 0;
    if (n1 + n2 <= budget) return;
    if (strategy === 'longest_first') {
      if (!b) {
        cut(a, budget);
        return;
      }
      let t1 = n1;
      let t2 = n2;
      const swap = t1 > t2;
      if (swap) [t1, t2] = [t2, t1];
      t2 = t1 > budget ? t1 : Math.max(t1, budget - t1);
      if (t1 + t2 > budget) {
        t1 = Math.floor(budget / 2);
        t2 = t1 + (budget % 2);
      }
      if (swap) [t1, t2] = [t2, t1];
      cut(a, t1);
      cut(b, t2);
      return;
    }
    const toRemove = n1 + n2 - budget;
    const target = strategy === 'only_first' ? a : b;
    if (!target) throw new Error(`encode: truncation 'only_second' needs a second sequence`);
    if (target.ids.length <= toRemove) {
      throw new Error(
        `encode: truncation '${strategy}' cannot fit maxLength: the ${strategy === 'only_first' ? 'first' : 'second'} ` +
          `sequence has ${target.ids.length} tokens but ${toRemove} must be removed`,
      );
    }
    cut(target, target.ids.length - toRemove);
  }

  private assemble(
    a: SeqEncoding,
    b: SeqEncoding | null,
    addSpecial: boolean,
    returnOffsets: boolean,
    returnTokens: boolean,
  ): Encoding {
    const n = a.ids.length + (b ? b.ids.length : 0) + (addSpecial ? (b ? 3 : 2) : 0);
    const inputIds = new Int32Array(n);
    const tokenTypeIds = new Int32Array(n);
    const attentionMask = new Int32Array(n).fill(1);
    const specialTokensMask = new Int32Array(n);
    const wordIds = new Int32Array(n);
    const offsets: [number, number][] | undefined = returnOffsets ? [] : undefined;
    let k = 0;
    const special = (id: number, type: number) => {
      inputIds[k] = id;
      tokenTypeIds[k] = type;
      specialTokensMask[k] = 1;
      wordIds[k] = -1;
      offsets?.push([0, 0]);
      k++;
    };
    const seq = (s: SeqEncoding, type: number) => {
      for (let i = 0; i < s.ids.length; i++) {
        inputIds[k] = s.ids[i]!;
        tokenTypeIds[k] = type;
        wordIds[k] = s.words[i]!;
        offsets?.push([s.starts[i]!, s.ends[i]!]);
        k++;
      }
    };
    if (addSpecial) special(this.clsTokenId, 0);
    seq(a, 0);
    if (addSpecial) special(this.sepTokenId, 0);
    if (b) {
      seq(b, 1);
      if (addSpecial) special(this.sepTokenId, 1);
    }
    const enc: Encoding = { inputIds, tokenTypeIds, attentionMask, specialTokensMask, wordIds };
    if (offsets) enc.offsets = offsets;
    if (returnTokens || returnOffsets) enc.tokens = this.convertIdsToTokens(inputIds);
    return enc;
  }

  /**
   * Text of `ids`: pieces joined with spaces, `##` continuations glued to the previous piece.
   *
   * @example
   * tok.decode(tok.encode('Hello, world!').inputIds, { skipSpecialTokens: true }); // 'hello, world!'
   */
  decode(
    ids: ArrayLike<number>,
    options: { skipSpecialTokens?: boolean; cleanupTokenizationSpaces?: boolean } = {},
  ): string {
    const skip = options.skipSpecialTokens ?? false;
    const cleanup = options.cleanupTokenizationSpaces ?? this.cleanupTokenizationSpaces;
    const prefix = this.wordPiece.prefix;
    let out = '';
    let first = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skip && this.specialIds.has(id)) continue;
      let t = this.idToToken(id);
      if (!first) t = t.startsWith(prefix) ? t.slice(prefix.length) : ` ${t}`;
      first = false;
      out += t;
    }
    return cleanup ? cleanupSpaces(out) : out;
  }
}

function cut(s: SeqEncoding, n: number): void {
  s.ids.length = n;
  s.starts.length = n;
  s.ends.length = n;
  s.words.length = n;
}

/** `clean_up_tokenization` of HF transformers (the WordPiece decoder's `cleanup`), on the joined text. */
function cleanupSpaces(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
