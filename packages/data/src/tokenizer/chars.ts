/**
 * Character classes of BERT's basic tokenizer (the definitions of Google's `tokenization.py` and of the
 * HF `tokenizers` BertNormalizer / BertPreTokenizer), cached per code point.
 */

/** Class of one code point: word character, whitespace (separates words, dropped), punctuation (a word of its
 * own), control (Unicode C*, NUL and U+FFFD: removed when cleaning text). */
export const CharClass = { Word: 0, Space: 1, Punct: 2, Control: 3 } as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const PUNCT_RE = /^\p{P}$/u;
const SPACE_RE = /^\p{White_Space}$/u;
const CONTROL_RE = /^\p{C}$/u;
const NONSPACING_MARK_RE = /\p{Mn}/gu;

function computeClass(cp: number): CharClass {
  // BERT counts \t \n \r as whitespace although they are Cc.
  if (cp === 9 || cp === 10 || cp === 13 || cp === 32) return CharClass.Space;
  if (cp === 0 || cp === 0xfffd) return CharClass.Control;
  // BERT's punctuation: all non-letter/number ASCII ranges, plus every Unicode P* category.
  if (
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126)
  ) {
    return CharClass.Punct;
  }
  if (cp < 128) return cp < 32 || cp === 127 ? CharClass.Control : CharClass.Word;
  const ch = String.fromCodePoint(cp);
  if (CONTROL_RE.test(ch)) return CharClass.Control;
  if (SPACE_RE.test(ch)) return CharClass.Space;
  if (PUNCT_RE.test(ch)) return CharClass.Punct;
  return CharClass.Word;
}

const BMP_UNKNOWN = 255;
const bmpClass = new Uint8Array(0x10000).fill(BMP_UNKNOWN);
const astralClass = new Map<number, CharClass>();

/** The {@link CharClass} of a code point (cached). */
export function charClass(cp: number): CharClass {
  if (cp < 0x10000) {
    const c = bmpClass[cp]!;
    if (c !== BMP_UNKNOWN) return c as CharClass;
    const k = computeClass(cp);
    bmpClass[cp] = k;
    return k;
  }
  let k = astralClass.get(cp);
  if (k === undefined) {
    k = computeClass(cp);
    astralClass.set(cp, k);
  }
  return k;
}

/** BERT's "Chinese character" ranges (CJK Unified Ideographs and extensions, compatibility ideographs). */
export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Whether `ch` (one code point) is BERT punctuation. */
export function isPunctuation(ch: string): boolean {
  return charClass(ch.codePointAt(0)!) === CharClass.Punct;
}

/**
 * Normalizes one code point as BertNormalizer does: strip accents (NFD, drop Mn marks) and then lower-case,
 * each when enabled. The result may be empty (a lone combining mark) or longer than the input.
 */
export function normalizeCodePoint(cp: number, stripAccents: boolean, lowercase: boolean): string {
  let s = String.fromCodePoint(cp);
  if (stripAccents) s = s.normalize('NFD').replace(NONSPACING_MARK_RE, '');
  if (lowercase) {
    // Per code point, like the Rust `char::to_lowercase` in HF tokenizers (no final-sigma context).
    let out = '';
    for (const c of s) out += c.toLowerCase();
    s = out;
  }
  return s;
}
