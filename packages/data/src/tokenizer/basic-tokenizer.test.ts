import { describe, expect, it } from 'vitest';
import { BasicTokenizer } from './basic-tokenizer.js';

const words = (t: BasicTokenizer, s: string) => t.tokenize(s).map((w) => w.text);

describe('BasicTokenizer', () => {
  it('lower-cases and strips accents (uncased), keeps them (cased)', () => {
    expect(words(new BasicTokenizer(), 'Héllo NAÏVE Café')).toEqual(['hello', 'naive', 'cafe']);
    expect(words(new BasicTokenizer({ lowercase: false }), 'Héllo NAÏVE')).toEqual(['Héllo', 'NAÏVE']);
    // strip_accents can be set independently of lowercase
    expect(words(new BasicTokenizer({ lowercase: true, stripAccents: false }), 'Héllo')).toEqual(['héllo']);
    expect(words(new BasicTokenizer({ lowercase: false, stripAccents: true }), 'Héllo')).toEqual(['Hello']);
  });

  it('splits punctuation (ASCII ranges and Unicode P*) into single tokens', () => {
    expect(words(new BasicTokenizer(), "don't stop-me now... ¿qué? «x»")).toEqual([
      'don',
      "'",
      't',
      'stop',
      '-',
      'me',
      'now',
      '.',
      '.',
      '.',
      '¿',
      'que',
      '?',
      '«',
      'x',
      '»',
    ]);
    // $ + < = > ^ ` | ~ are ASCII "punctuation" for BERT although Unicode calls them symbols
    expect(words(new BasicTokenizer(), 'a$b+c^d`e|f~g')).toEqual('a $ b + c ^ d ` e | f ~ g'.split(' '));
  });

  it('splits every CJK ideograph', () => {
    expect(words(new BasicTokenizer(), 'ab中文cd日本')).toEqual(['ab', '中', '文', 'cd', '日', '本']);
    expect(words(new BasicTokenizer({ handleChineseChars: false }), 'ab中文cd')).toEqual(['ab中文cd']);
  });

  it('removes control characters and U+FFFD, treats tab/newline/NBSP as whitespace', () => {
    expect(words(new BasicTokenizer(), 'a\u0000b\u0007c\ufffdd\u200be f\tg\nh\u00a0i\r\nj')).toEqual([
      'abcde',
      'f',
      'g',
      'h',
      'i',
      'j',
    ]);
  });

  it('keeps neverSplit strings whole, matched case-sensitively in the raw text', () => {
    const t = new BasicTokenizer({ neverSplit: ['[MASK]', '[SEP]'] });
    expect(words(t, 'Hello [MASK]world[SEP] [mask]')).toEqual([
      'hello',
      '[MASK]',
      'world',
      '[SEP]',
      '[',
      'mask',
      ']',
    ]);
    expect(t.tokenize('a [MASK]').map((w) => w.special)).toEqual([false, true]);
  });

  it('offsets point into the original text, through normalization and surrogate pairs', () => {
    const text = '  Ünïcödé 😀x, 中! ﬁne';
    for (const w of new BasicTokenizer().tokenize(text)) {
      const orig = text.slice(w.start, w.end);
      expect(orig.length).toBeGreaterThan(0);
      expect(w.charStarts.length).toBe(w.text.length);
    }
    const t = new BasicTokenizer().tokenize(text);
    expect(t.map((w) => text.slice(w.start, w.end))).toEqual(['Ünïcödé', '😀x', ',', '中', '!', 'ﬁne']);
  });
});
