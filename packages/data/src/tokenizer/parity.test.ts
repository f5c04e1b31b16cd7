// Parity with the reference implementation: @huggingface/tokenizers (Tokenizers.js, HF's own JS port, which
// matches the Rust `tokenizers` ids), given the tokenizer.json we write.
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { loadEmbeddedTokenizer } from '../embedded/index.js';
import { BertTokenizer } from './bert-tokenizer.js';
import { toTokenizerJson } from './tokenizer-json.js';

const TEXTS = [
  'Hello, World! I like strawberries.',
  'Héllo naïve café Ünïcödé RÉSUMÉ façade Ångström',
  '中文字符 mixed with 日本語 and 한국어 text',
  'emoji 😀👍🏽 ok ❤️ 🇫🇷 flags',
  'ctrl\u0000char\u0007s\ufffd here\ttab\nnewline\r\nwindows\u200bzero-width\u00a0nbsp',
  `${'a'.repeat(120)} b ${'x'.repeat(100)}`,
  "don't [MASK] stop; it's [SEP] 'quoted' \"double\" (parens) [brackets] {braces}",
  '¿Qué? «quote» — dash… ellipsis • bullet § section ¶ pilcrow',
  'Numbers 3.14159, 1,000,000 and 42nd; e-mail: someone@example.com; url http://x.y/z?q=1&r=2#frag',
  'straße İstanbul ǅemal ﬁne ligature Ⅻ roman ①',
  'Мы любим русский язык. Ελληνικά γράμματα. עברית. العربية.',
  'tHe QuIcK bRoWn FoX jUmPs OvEr ThE lAzY dOg!!!',
  '   leading and trailing spaces   ',
  '',
  'unaffable antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse',
];

function check(tok: BertTokenizer) {
  const ref = new Tokenizer(toTokenizerJson(tok), { do_lower_case: tok.basic.lowercase });
  for (const t of TEXTS) {
    expect([...tok.encode(t).inputIds], JSON.stringify(t)).toEqual(ref.encode(t).ids);
  }
  for (let i = 0; i + 1 < TEXTS.length; i += 2) {
    const [a, b] = [TEXTS[i]!, TEXTS[i + 1]!];
    if (b === '') continue; // Tokenizers.js treats an empty text_pair as no pair
    const mine = tok.encode(a, b);
    const r = ref.encode(a, { text_pair: b });
    expect([...mine.inputIds], `${a} / ${b}`).toEqual(r.ids);
  }
}

const bertVocab = readFileSync(new URL('./fixtures/bert-base-uncased-vocab.txt', import.meta.url), 'utf8');

describe('parity with @huggingface/tokenizers', () => {
  it('bert-base-uncased vocab, uncased', () => check(BertTokenizer.fromVocabTxt(bertVocab)));
  it('bert-base-uncased vocab, cased (no lower-casing / accent stripping)', () =>
    check(BertTokenizer.fromVocabTxt(bertVocab, { lowercase: false })));
  it('bert-base-uncased vocab, lower-cased but accents kept', () =>
    check(BertTokenizer.fromVocabTxt(bertVocab, { lowercase: true, stripAccents: false })));
  it('the embedded 8k vocab', async () => check(await loadEmbeddedTokenizer()));

  it('known difference: final sigma is lower-cased per character, as in Rust tokenizers', () => {
    // Tokenizers.js lower-cases the whole string (JS toLowerCase: final Σ → ς); Rust `tokenizers` and we map
    // each character alone (Σ → σ). Google's Python BERT gives ς.
    const tok = BertTokenizer.fromVocabTxt(bertVocab);
    expect(tok.tokenize('ΣΑΣ')).toEqual(['σ', '##α', '##σ']);
  });
});
