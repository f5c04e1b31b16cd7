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
    const lower = this.lowercase;
    const normalize = this.lowercase || this.stripAccents;
    let word = '';
    let starts: number[] = [];
    let ends: number[] = [];
    const flush = () => {
      if (word.length > 0) {
        out.push({
          text: word,
          start: starts[0]!,
          end: ends[ends.length - 1]!,
          charStarts: starts,
          charEnds: ends,
          special: false,
        });
        word = '';
        starts = [];
        ends = [];
      }
    };
    const single = (s: string, start: number, end: number) => {
      const st: number[] = [];
      const en: number[] = [];
      for (let k = 0; k < s.length; k++) {
        st.push(start);
        en.push(end);
      }
      out.push({ text: s, start, end, charStarts: st, charEnds: en, special: false });
    };

    let i = from;
    while (i < to) {
      const cp = text.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const end = i + len;
      if (cp < 128) {
        // ASCII fast path.
        const cls = charClass(cp);
        if (cls === CharClass.Word) {
          word += lower && cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : text[i]!;
          starts.push(i);
          ends.push(end);
        } else if (cls === CharClass.Space) {
          flush();
        } else if (cls === CharClass.Punct) {
          flush();
          single(text[i]!, i, end);
        } else if (!this.cleanText) {
          word += text[i]!;
          starts.push(i);
          ends.push(end);
        }
        i = end;
        continue;
      }
      const cls = charClass(cp);
      if (this.cleanText && cls === CharClass.Control) {
        i = end;
        continue;
      }
      const s = normalize ? this.normalized(cp) : String.fromCodePoint(cp);
      if (this.handleChineseChars && isCjk(cp)) {
        flush();
        if (s.length > 0) single(s, i, end);
        i = end;
        continue;
      }
      // Classify the normalized characters: whitespace and punctuation are decided after normalization.
      for (const c of s) {
        const k = charClass(c.codePointAt(0)!);
        if (k === CharClass.Space) {
          flush();
        } else if (k === CharClass.Punct) {
          flush();
          single(c, i, end);
        } else {
          word += c;
          for (let u = 0; u < c.length; u++) {
            starts.push(i);
            ends.push(end);
          }
        }
      }
      i = end;
    }
    flush();
  }
}
