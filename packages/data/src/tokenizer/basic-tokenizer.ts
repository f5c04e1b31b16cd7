import { CharClass, charClass, isCjk, normalizeCodePoint } from './chars.js';

/** Options of BERT's basic tokenizer (HF `BertNormalizer` + `BertPreTokenizer`). */
export interface BasicTokenizerOptions {
  /** Lower-case the text (uncased models). Default `true`. */
  lowercase?: boolean;
  /** Strip accents (NFD, drop Mn marks). `null`/`undefined`: follows `lowercase`, as in BERT. */
  stripAccents?: boolean | null;
  /** Remove control characters, NUL and U+FFFD; map whitespace to spaces. Default `true`. */
  cleanText?: boolean;
  /** Split every CJK ideograph into a word of its own. Default `true`. */
  handleChineseChars?: boolean;
  /** Strings matched verbatim in the raw text (before normalization) and kept whole, e.g. `[MASK]`. */
  neverSplit?: readonly string[];
}

/**
 * One pre-token. `text` is normalized; `start`/`end` are UTF-16 offsets into the original string
 * (`original.slice(start, end)` is what produced it). `charStarts`/`charEnds` give, for every UTF-16 unit of
 * `text`, the original span it came from (for sub-word offsets). `special` marks a `neverSplit` match.
 */
export interface PreToken {
  text: string;
  start: number;
  end: number;
  charStarts: number[];
  charEnds: number[];
  special: boolean;
}

/**
 * BERT's basic tokenization with offsets: clean text, isolate CJK characters, strip accents and lower-case
 * (uncased), split on whitespace and punctuation; `neverSplit` strings are matched first, in the raw text.
 *
 * @example
 * new BasicTokenizer().tokenize('Héllo, World!').map((w) => w.text); // ['hello', ',', 'world', '!']
 */
export class BasicTokenizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly neverSplit: readonly string[];
  private readonly normCache = new Map<number, string>();
  private readonly neverSplitFirstChars: Set<string>;

  constructor(options: BasicTokenizerOptions = {}) {
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    // Longest first, so that overlapping specials match the longest.
    this.neverSplit = [...new Set(options.neverSplit ?? [])]
      .filter((s) => s.length > 0)
      .sort((a, b) => b.length - a.length);
    this.neverSplitFirstChars = new Set(this.neverSplit.map((s) => s[0]!));
  }

  /** The options, as passed to the constructor (resolved). */
  get options(): Required<Omit<BasicTokenizerOptions, 'stripAccents'>> & { stripAccents: boolean } {
    return {
      lowercase: this.lowercase,
      stripAccents: this.stripAccents,
      cleanText: this.cleanText,
      handleChineseChars: this.handleChineseChars,
      neverSplit: this.neverSplit,
    };
  }

  /** Pre-tokens of `text` with offsets into it. */
  tokenize(text: string): PreToken[] {
    const out: PreToken[] = [];
    if (this.neverSplit.length === 0) {
      this.tokenizeSegment(text, 0, text.length, out);
      return out;
    }
    let segStart = 0;
    let i = 0;
    while (i < text.length) {
      const match = this.neverSplitFirstChars.has(text[i]!) ? this.matchNeverSplit(text, i) : undefined;
      if (match === undefined) {
        i++;
        continue;
      }
      this.tokenizeSegment(text, segStart, i, out);
      out.push({
        text: match,
        start: i,
        end: i + match.length,
        charStarts: [],
        charEnds: [],
        special: true,
      });
      i += match.length;
      segStart = i;
    }
    this.tokenizeSegment(text, segStart, text.length, out);
    return out;
  }

  private matchNeverSplit(text: string, at: number): string | undefined {
    for (const s of this.neverSplit) if (text.startsWith(s, at)) return s;
    return undefined;
  }

  private normalized(cp: number): string {
    let s = this.normCache.get(cp);
    if (s === undefined) {
      s = normalizeCodePoint(cp, this.stripAccents, this.lowercase);
      this.normCache.set(cp, s);
    }
    return s;
  }

  private tokenizeSegment(text: string, from: number, to: number, out: PreToken[]): void {
    const w = new WordWriter(out);
    let i = from;
    while (i < to) {
      const cp = text.codePointAt(i)!;
      const end = i + (cp > 0xffff ? 2 : 1);
      if (cp < 128) this.asciiChar(text, cp, i, end, w);
      else this.unicodeChar(cp, i, end, w);
      i = end;
    }
    w.flush();
  }

  /** ASCII fast path: one character, lowercased without the normalisation table. */
  private asciiChar(text: string, cp: number, i: number, end: number, w: WordWriter): void {
    const cls = charClass(cp);
    if (cls === CharClass.Word) {
      w.add(this.lowercase && cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : text[i]!, i, end);
    } else if (cls === CharClass.Space) {
      w.flush();
    } else if (cls === CharClass.Punct) {
      w.flush();
      w.single(text[i]!, i, end);
    } else if (!this.cleanText) {
      w.add(text[i]!, i, end);
    }
  }

  /** A non-ASCII code point: cleaned, normalised, CJK split, then classified after normalisation. */
  private unicodeChar(cp: number, i: number, end: number, w: WordWriter): void {
    if (this.cleanText && charClass(cp) === CharClass.Control) return;
    const s = this.lowercase || this.stripAccents ? this.normalized(cp) : String.fromCodePoint(cp);
    if (this.handleChineseChars && isCjk(cp)) {
      w.flush();
      if (s.length > 0) w.single(s, i, end);
      return;
    }
    // Classify the normalized characters: whitespace and punctuation are decided after normalization.
    for (const c of s) {
      const k = charClass(c.codePointAt(0)!);
      if (k === CharClass.Space) {
        w.flush();
      } else if (k === CharClass.Punct) {
        w.flush();
        w.single(c, i, end);
      } else {
        w.add(c, i, end);
      }
    }
  }
}

/** Builds the pre-tokens of a segment: the current word with per-UTF-16-unit offsets, and single-character tokens. */
class WordWriter {
  private word = '';
  private starts: number[] = [];
  private ends: number[] = [];

  constructor(private readonly out: PreToken[]) {}

  /** Append `c` (one character, maybe two UTF-16 units) from source range [start, end) to the current word. */
  add(c: string, start: number, end: number): void {
    this.word += c;
    for (let u = 0; u < c.length; u++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** End the current word (if any) as a pre-token. */
  flush(): void {
    if (this.word.length === 0) return;
    const { word, starts, ends } = this;
    this.out.push({
      text: word,
      start: starts[0]!,
      end: ends[ends.length - 1]!,
      charStarts: starts,
      charEnds: ends,
      special: false,
    });
    this.word = '';
    this.starts = [];
    this.ends = [];
  }

  /** A pre-token of its own (punctuation, a CJK character) for source range [start, end). */
  single(s: string, start: number, end: number): void {
    const st: number[] = [];
    const en: number[] = [];
    for (let k = 0; k < s.length; k++) {
      st.push(start);
      en.push(end);
    }
    this.out.push({ text: s, start, end, charStarts: st, charEnds: en, special: false });
  }
}
