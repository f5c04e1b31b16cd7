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
  const minFrequency = options.minFrequency ?? 2;
  const prefix = options.continuingSubwordPrefix ?? '##';
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
  const basic = new BasicTokenizer({ ...options, neverSplit: specials });

  // 1. Word counts.
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

  // 2. Alphabet.
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
  const chars = alphabet.map(([ch]) => ch).sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
  const kept = new Set(chars);

  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const add = (t: string): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(t);
      ids.set(t, id);
    }
    return id;
  };
  for (const s of specials) add(s);
  for (const ch of chars) add(ch);
  const contChars = new Set<string>();
  for (const [w] of wordList) {
    let first = true;
    for (const ch of w) {
      if (!first && kept.has(ch)) contChars.add(ch);
      first = false;
    }
  }
  for (const ch of [...contChars].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)) add(prefix + ch);

  // 3. Words as symbol ids.
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

  // 4. Merges.
  const SHIFT = 2 ** 21;
  const key = (a: number, b: number) => a * SHIFT + b;
  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  words.forEach((syms, wi) => {
    const c = wordCounts[wi]!;
    for (let i = 0; i + 1 < syms.length; i++) {
      const k = key(syms[i]!, syms[i + 1]!);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + c);
      addWhere(where, k, wi);
    }
  });
  const heap = new PairHeap();
  for (const [k, c] of pairCounts) heap.push(c, k);
  let merges = 0;
  while (vocab.length < vocabSize && heap.size > 0) {
    const top = heap.pop();
    const real = pairCounts.get(top.key) ?? 0;
    if (real !== top.count) {
      if (real > 0) heap.push(real, top.key);
      continue;
    }
    if (real < minFrequency || real === 0) break;
    const a = Math.floor(top.key / SHIFT);
    const b = top.key % SHIFT;
    const bTok = vocab[b]!;
    const newTok = vocab[a]! + (bTok.startsWith(prefix) ? bTok.slice(prefix.length) : bTok);
    if (vocabSize > 0 && vocab.length >= vocabSize && !ids.has(newTok)) break;
    const newId = add(newTok);
    merges++;
    const touched = new Set<number>();
    const wordSet = where.get(top.key);
    where.delete(top.key);
    for (const wi of wordSet ?? []) {
      const syms = words[wi]!;
      const c = wordCounts[wi]!;
      let has = false;
      for (let i = 0; i + 1 < syms.length; i++) {
        if (syms[i] === a && syms[i + 1] === b) {
          has = true;
          break;
        }
      }
      if (!has) continue;
      for (let i = 0; i + 1 < syms.length; i++) {
        const k = key(syms[i]!, syms[i + 1]!);
        pairCounts.set(k, pairCounts.get(k)! - c);
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
      words[wi] = merged;
      for (let i = 0; i + 1 < merged.length; i++) {
        const k = key(merged[i]!, merged[i + 1]!);
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + c);
        touched.add(k);
        addWhere(where, k, wi);
      }
    }
    pairCounts.delete(top.key);
    touched.delete(top.key);
    for (const k of touched) {
      const c = pairCounts.get(k)!;
      if (c <= 0) pairCounts.delete(k);
      else heap.push(c, k);
    }
    if (options.onProgress && merges % 1000 === 0) options.onProgress({ phase: 'merge', done: merges });
  }

  const unk = specials.includes(DEFAULT_SPECIAL_TOKENS.unk) ? DEFAULT_SPECIAL_TOKENS.unk : undefined;
  const tokenizer = new BertTokenizer(vocab, {
    lowercase: basic.lowercase,
    stripAccents: basic.stripAccents,
    cleanText: basic.cleanText,
    handleChineseChars: basic.handleChineseChars,
    continuingSubwordPrefix: prefix,
    ...(unk ? { unkToken: unk } : {}),
  });
  return {
    tokenizer,
    vocab,
    stats: { distinctWords: wordList.length, totalWords, alphabet: chars.length, merges },
  };
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
