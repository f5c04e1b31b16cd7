import { BasicTokenizer, type BasicTokenizerOptions } from './basic-tokenizer.js';
import { BertTokenizer, DEFAULT_SPECIAL_TOKENS } from './bert-tokenizer.js';

/** Options of {@link trainWordPiece}. */
export interface TrainWordPieceOptions extends Omit<BasicTokenizerOptions, 'neverSplit'> {
  /** Target vocabulary size, special tokens and alphabet included. Default 30522. */
  vocabSize?: number;
  /** A pair must occur at least this often (weighted by word count) to be merged. Default 2. */
  minFrequency?: number;
  /** Keep only the this-many most frequent characters (plus `initialAlphabet`). Default: no limit. */
  limitAlphabet?: number | null;
  /** Characters always in the alphabet, even if absent from the corpus. */
  initialAlphabet?: readonly string[];
  /** First tokens of the vocabulary, in order. Default `[PAD] [UNK] [CLS] [SEP] [MASK]`. */
  specialTokens?: readonly string[];
  /** Default `##`. */
  continuingSubwordPrefix?: string;
  /** Called every `progressEvery` texts while counting, then with the merge count. */
  onProgress?: (event: { phase: 'count' | 'merge'; done: number }) => void;
}

export interface TrainWordPieceResult {
  /** A tokenizer over the trained vocabulary with the same normalization options. */
  tokenizer: BertTokenizer;
  /** The vocabulary, in id order. */
  vocab: string[];
  /** Distinct words seen, total words seen, merges done. */
  stats: { distinctWords: number; totalWords: number; alphabet: number; merges: number };
}

/**
 * Trains a WordPiece vocabulary the way HF `tokenizers`' WordPieceTrainer does: BERT basic tokenization, word
 * counts, then BPE-style merges over characters where non-initial symbols carry the `##` prefix; each step merges
 * the most frequent adjacent pair (count weighted by word frequency; ties: the pair of smaller ids). Vocabulary
 * order: special tokens, alphabet (by code point), `##`-continuation characters (by code point), merges in order.
 * Deterministic: the same texts and options give the same vocabulary.
 *
 * @example
 * const { tokenizer } = await trainWordPiece(lines, { vocabSize: 8192 }); // tokenizer.vocabSize <= 8192
 */
export async function trainWordPiece(
  texts: AsyncIterable<string> | Iterable<string>,
  options: TrainWordPieceOptions = {},
): Promise<TrainWordPieceResult> {
  const vocabSize = options.vocabSize ?? 30522;
  const prefix = options.continuingSubwordPrefix ?? '##';
  const specials = specialTokensOf(options, vocabSize);
  const basic = new BasicTokenizer({ ...options, neverSplit: specials });
  const { wordList, totalWords } = await countWords(texts, basic, options);
  const chars = chooseAlphabet(wordList, options);
  const v = initialVocab(specials, chars, wordList, prefix);
  const m = new MergeState(wordsAsSymbols(wordList, new Set(chars), v.ids, prefix));
  const merges = runMerges(m, v, vocabSize, options.minFrequency ?? 2, prefix, options);
  const unk = specials.includes(DEFAULT_SPECIAL_TOKENS.unk) ? DEFAULT_SPECIAL_TOKENS.unk : undefined;
  const tokenizer = new BertTokenizer(v.vocab, {
    lowercase: basic.lowercase,
    stripAccents: basic.stripAccents,
    cleanText: basic.cleanText,
    handleChineseChars: basic.handleChineseChars,
    continuingSubwordPrefix: prefix,
    ...(unk ? { unkToken: unk } : {}),
  });
  return {
    tokenizer,
    vocab: v.vocab,
    stats: { distinctWords: wordList.length, totalWords, alphabet: chars.length, merges },
  };
}

/** The special tokens (default BERT's five), checked with the vocabulary size. */
function specialTokensOf(options: TrainWordPieceOptions, vocabSize: number): string[] {
  const specials = [
    ...(options.specialTokens ?? [
      DEFAULT_SPECIAL_TOKENS.pad,
      DEFAULT_SPECIAL_TOKENS.unk,
      DEFAULT_SPECIAL_TOKENS.cls,
      DEFAULT_SPECIAL_TOKENS.sep,
      DEFAULT_SPECIAL_TOKENS.mask,
    ]),
  ];
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new Error(`trainWordPiece: vocabSize must be a positive integer, got ${vocabSize}`);
  }
  if (new Set(specials).size !== specials.length)
    throw new Error('trainWordPiece: specialTokens has duplicates');
  return specials;
}

/** 1. Word counts, most frequent first (ties by text). */
async function countWords(
  texts: AsyncIterable<string> | Iterable<string>,
  basic: BasicTokenizer,
  options: TrainWordPieceOptions,
): Promise<{ wordList: [string, number][]; totalWords: number }> {
  const counts = new Map<string, number>();
  let totalWords = 0;
  let done = 0;
  for await (const text of texts as AsyncIterable<string>) {
    for (const w of basic.tokenize(text)) {
      if (w.special) continue;
      counts.set(w.text, (counts.get(w.text) ?? 0) + 1);
      totalWords++;
    }
    done++;
    if (options.onProgress && done % 1000 === 0) options.onProgress({ phase: 'count', done });
  }
  const wordList = [...counts.entries()].sort(
    (x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0),
  );
  return { wordList, totalWords };
}

/** 2. The alphabet (limited to the `limitAlphabet` most frequent, `initialAlphabet` always kept), by code point. */
function chooseAlphabet(wordList: [string, number][], options: TrainWordPieceOptions): string[] {
  const charCounts = new Map<string, number>();
  for (const [w, c] of wordList) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + c);
  for (const ch of options.initialAlphabet ?? []) charCounts.set(ch, Number.POSITIVE_INFINITY);
  let alphabet = [...charCounts.entries()];
  const limit = options.limitAlphabet;
  if (limit !== undefined && limit !== null && alphabet.length > limit) {
    alphabet = alphabet
      .sort((x, y) => y[1] - x[1] || x[0].codePointAt(0)! - y[0].codePointAt(0)!)
      .slice(0, Math.max(limit, (options.initialAlphabet ?? []).length));
  }
  return alphabet.map(([ch]) => ch).sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
}

/** The growing vocabulary: tokens in id order and their ids. */
interface Vocab {
  vocab: string[];
  ids: Map<string, number>;
  add(t: string): number;
}

/** Specials, the alphabet, then the `##` continuation characters (by code point). */
function initialVocab(
  specials: string[],
  chars: string[],
  wordList: [string, number][],
  prefix: string,
): Vocab {
  const v: Vocab = {
    vocab: [],
    ids: new Map(),
    add(t) {
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.vocab.length;
        this.vocab.push(t);
        this.ids.set(t, id);
      }
      return id;
    },
  };
  for (const s of specials) v.add(s);
  for (const ch of chars) v.add(ch);
  const kept = new Set(chars);
  const contChars = new Set<string>();
  for (const [w] of wordList) {
    let first = true;
    for (const ch of w) {
      if (!first && kept.has(ch)) contChars.add(ch);
      first = false;
    }
  }
  for (const ch of [...contChars].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)) v.add(prefix + ch);
  return v;
}

/** 3. Words as symbol ids (characters outside the alphabet dropped), with their counts. */
function wordsAsSymbols(
  wordList: [string, number][],
  kept: Set<string>,
  ids: Map<string, number>,
  prefix: string,
) {
  const words: number[][] = [];
  const wordCounts: number[] = [];
  for (const [w, c] of wordList) {
    const syms: number[] = [];
    let first = true;
    for (const ch of w) {
      if (kept.has(ch)) syms.push(ids.get(first ? ch : prefix + ch)!);
      first = false;
    }
    words.push(syms);
    wordCounts.push(c);
  }
  return { words, wordCounts };
}

const SHIFT = 2 ** 21;
const pairKey = (a: number, b: number) => a * SHIFT + b;

/** Pair counts (weighted by word frequency), which words hold each pair, and a lazy max-heap of the counts. */
class MergeState {
  readonly pairCounts = new Map<number, number>();
  readonly where = new Map<number, Set<number>>();
  readonly heap = new PairHeap();
  private readonly words: number[][];
  private readonly wordCounts: number[];

  constructor(w: { words: number[][]; wordCounts: number[] }) {
    this.words = w.words;
    this.wordCounts = w.wordCounts;
    this.words.forEach((syms, wi) => {
      const c = this.wordCounts[wi]!;
      for (let i = 0; i + 1 < syms.length; i++) {
        const k = pairKey(syms[i]!, syms[i + 1]!);
        this.pairCounts.set(k, (this.pairCounts.get(k) ?? 0) + c);
        addWhere(this.where, k, wi);
      }
    });
    for (const [k, c] of this.pairCounts) this.heap.push(c, k);
  }

  /** Replace the pair `key` = (a, b) by `newId` in every word holding it, updating counts and the heap. */
  merge(key: number, newId: number): void {
    const a = Math.floor(key / SHIFT);
    const b = key % SHIFT;
    const touched = new Set<number>();
    const wordSet = this.where.get(key);
    this.where.delete(key);
    for (const wi of wordSet ?? []) this.mergeInWord(wi, a, b, newId, touched);
    this.pairCounts.delete(key);
    touched.delete(key);
    for (const k of touched) {
      const c = this.pairCounts.get(k)!;
      if (c <= 0) this.pairCounts.delete(k);
      else this.heap.push(c, k);
    }
  }

  private mergeInWord(wi: number, a: number, b: number, newId: number, touched: Set<number>): void {
    const syms = this.words[wi]!;
    const c = this.wordCounts[wi]!;
    let has = false;
    for (let i = 0; i + 1 < syms.length; i++) {
      if (syms[i] === a && syms[i + 1] === b) {
        has = true;
        break;
      }
    }
    if (!has) return;
    for (let i = 0; i + 1 < syms.length; i++) {
      const k = pairKey(syms[i]!, syms[i + 1]!);
      this.pairCounts.set(k, this.pairCounts.get(k)! - c);
      touched.add(k);
    }
    const merged: number[] = [];
    for (let i = 0; i < syms.length; i++) {
      if (i + 1 < syms.length && syms[i] === a && syms[i + 1] === b) {
        merged.push(newId);
        i++;
      } else {
        merged.push(syms[i]!);
      }
    }
    this.words[wi] = merged;
    for (let i = 0; i + 1 < merged.length; i++) {
      const k = pairKey(merged[i]!, merged[i + 1]!);
      this.pairCounts.set(k, (this.pairCounts.get(k) ?? 0) + c);
      touched.add(k);
      addWhere(this.where, k, wi);
    }
  }
}

/** 4. Merge the most frequent pair until the vocabulary is full or no pair reaches `minFrequency`. */
function runMerges(
  m: MergeState,
  v: Vocab,
  vocabSize: number,
  minFrequency: number,
  prefix: string,
  options: TrainWordPieceOptions,
): number {
  let merges = 0;
  while (v.vocab.length < vocabSize && m.heap.size > 0) {
    const top = m.heap.pop();
    const real = m.pairCounts.get(top.key) ?? 0;
    if (real !== top.count) {
      if (real > 0) m.heap.push(real, top.key);
      continue;
    }
    if (real < minFrequency || real === 0) break;
    const bTok = v.vocab[top.key % SHIFT]!;
    const newTok =
      v.vocab[Math.floor(top.key / SHIFT)]! + (bTok.startsWith(prefix) ? bTok.slice(prefix.length) : bTok);
    if (vocabSize > 0 && v.vocab.length >= vocabSize && !v.ids.has(newTok)) break;
    m.merge(top.key, v.add(newTok));
    merges++;
    if (options.onProgress && merges % 1000 === 0) options.onProgress({ phase: 'merge', done: merges });
  }
  return merges;
}

function addWhere(where: Map<number, Set<number>>, k: number, wi: number): void {
  const s = where.get(k);
  if (s) s.add(wi);
  else where.set(k, new Set([wi]));
}

/** Max-heap of (count, pair key); ties: smaller key (smaller pair ids) first, as in HF's BPE trainer. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private better(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]!;
    this.counts[i] = this.counts[j]!;
    this.counts[j] = c;
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0]!, key: this.keys[0]! };
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    const n = this.counts.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.better(l, m)) m = l;
      if (r < n && this.better(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
