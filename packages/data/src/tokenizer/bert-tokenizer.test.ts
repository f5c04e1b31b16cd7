import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer } from './bert-tokenizer.js';

const bert = BertTokenizer.fromVocabTxt(
  readFileSync(new URL('./fixtures/bert-base-uncased-vocab.txt', import.meta.url), 'utf8'),
  {},
  'bert-base-uncased-vocab.txt',
);

describe('BertTokenizer (bert-base-uncased vocab)', () => {
  it('has the BERT special ids and vocab size', () => {
    expect(bert.vocabSize).toBe(30522);
    expect([bert.padTokenId, bert.unkTokenId, bert.clsTokenId, bert.sepTokenId, bert.maskTokenId]).toEqual([
      0, 100, 101, 102, 103,
    ]);
  });

  it('tokenizes and converts', () => {
    expect(bert.tokenize('I like strawberries')).toEqual(['i', 'like', 'straw', '##berries']);
    expect(bert.convertTokensToIds(['i', 'like', 'straw', '##berries', 'notaword'])).toEqual([
      1045, 2066, 13137, 20968, 100,
    ]);
    expect(bert.isSubwordContinuation(20968)).toBe(true);
    expect(bert.isSubwordContinuation(13137)).toBe(false);
    expect(bert.isSpecialId(103)).toBe(true);
  });

  it('encodes a pair as [CLS] A [SEP] B [SEP] with token types and word ids', () => {
    const e = bert.encode('Hello strawberries', 'How are you?', { returnTokens: true });
    expect(e.tokens).toEqual([
      '[CLS]',
      'hello',
      'straw',
      '##berries',
      '[SEP]',
      'how',
      'are',
      'you',
      '?',
      '[SEP]',
    ]);
    expect([...e.tokenTypeIds]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect([...e.attentionMask]).toEqual(new Array(10).fill(1));
    expect([...e.specialTokensMask]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect([...e.wordIds]).toEqual([-1, 0, 1, 1, -1, 0, 1, 2, 3, -1]);
  });

  it('offsets map tokens back to the original text; (0,0) for specials', () => {
    const a = 'Héllo, STRAWBERRIES! 中文 😀';
    const b = '  naïve  café ';
    const e = bert.encode(a, b, { returnOffsets: true });
    const texts = e.offsets!.map(([s, t], i) => (e.tokenTypeIds[i] === 0 ? a : b).slice(s, t));
    expect(texts).toEqual([
      '',
      'Héllo',
      ',',
      'STRAW',
      'BERRIES',
      '!',
      '中',
      '文',
      '😀',
      '',
      'naïve',
      'café',
      '',
    ]);
    expect(e.tokens).toEqual([
      '[CLS]',
      'hello',
      ',',
      'straw',
      '##berries',
      '!',
      '中',
      '文',
      '[UNK]',
      '[SEP]',
      'naive',
      'cafe',
      '[SEP]',
    ]);
  });

  it('pads to max_length with [PAD], mask 0, type 0, word id -1', () => {
    const e = bert.encode('hello', null, { maxLength: 6, padding: 'max_length', returnOffsets: true });
    expect([...e.inputIds]).toEqual([101, 7592, 102, 0, 0, 0]);
    expect([...e.attentionMask]).toEqual([1, 1, 1, 0, 0, 0]);
    expect([...e.tokenTypeIds]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...e.specialTokensMask]).toEqual([1, 0, 1, 1, 1, 1]);
    expect([...e.wordIds]).toEqual([-1, 0, -1, -1, -1, -1]);
    expect(e.offsets!.length).toBe(6);
  });

  it('batch-pads to the longest', () => {
    const [x, y] = bert.encodeBatch(['hello', ['hello world', 'again']], { padding: 'longest' });
    expect(x!.inputIds.length).toBe(6);
    expect(y!.inputIds.length).toBe(6);
    expect([...x!.inputIds]).toEqual([101, 7592, 102, 0, 0, 0]);
  });

  const a = 'one two three four five six';
  const b = 'seven eight nine';
  it('truncation longest_first: trims the longer first (HF tokenizers semantics)', () => {
    const e = bert.encode(a, b, { maxLength: 9, truncation: 'longest_first', returnTokens: true });
    // budget 6: shorter (3) fits in half → kept, longer gets 3
    expect(e.tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]', 'seven', 'eight', 'nine', '[SEP]']);
    const e2 = bert.encode(a, b, { maxLength: 8, returnTokens: true }); // default longest_first, budget 5
    // shorter (3) > budget/2 → both cut: shorter gets floor(5/2) = 2, longer 3
    expect(e2.tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]', 'seven', 'eight', '[SEP]']);
    const e3 = bert.encode(a, a, { maxLength: 8, returnTokens: true }); // equal: budget 5 → 2 + 3
    expect(e3.tokens).toEqual(['[CLS]', 'one', 'two', '[SEP]', 'one', 'two', 'three', '[SEP]']);
    const single = bert.encode(a, null, { maxLength: 4, returnTokens: true });
    expect(single.tokens).toEqual(['[CLS]', 'one', 'two', '[SEP]']);
  });

  it('truncation only_first / only_second / false', () => {
    const f = bert.encode(a, b, { maxLength: 9, truncation: 'only_first', returnTokens: true });
    expect(f.tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]', 'seven', 'eight', 'nine', '[SEP]']);
    const s = bert.encode(b, a, { maxLength: 9, truncation: 'only_second', returnTokens: true });
    expect(s.tokens).toEqual(['[CLS]', 'seven', 'eight', 'nine', '[SEP]', 'one', 'two', 'three', '[SEP]']);
    expect(() => bert.encode(a, b, { maxLength: 7, truncation: 'only_second' })).toThrow(
      /only_second' cannot fit maxLength: the second sequence has 3 tokens but 5 must be removed/,
    );
    expect(() => bert.encode(a, null, { maxLength: 4, truncation: 'only_second' })).toThrow(
      /needs a second sequence/,
    );
    const none = bert.encode(a, b, { maxLength: 4, truncation: false, padding: 'max_length' });
    expect(none.inputIds.length).toBe(12);
    expect(() => bert.encode(a, b, { maxLength: 2 })).toThrow(/smaller than the 3 special tokens/);
  });

  it('decodes, gluing ## pieces and optionally skipping specials', () => {
    const e = bert.encode("Hello, strawberries! Don't stop.");
    expect(bert.decode(e.inputIds)).toBe("[CLS] hello, strawberries! don't stop. [SEP]");
    expect(bert.decode(e.inputIds, { skipSpecialTokens: true })).toBe("hello, strawberries! don't stop.");
    expect(bert.decode(e.inputIds, { skipSpecialTokens: true, cleanupTokenizationSpaces: false })).toBe(
      "hello , strawberries ! don ' t stop .",
    );
    expect(() => bert.decode([40000])).toThrow(/id 40000 is outside the vocabulary \[0, 30522\)/);
  });

  it('keeps special tokens in the text whole', () => {
    expect(bert.tokenize('the [MASK] sat')).toEqual(['the', '[MASK]', 'sat']);
  });

  it('is cased when asked (no lower-casing, no accent stripping)', () => {
    const cased = new BertTokenizer(bert.vocab, { lowercase: false });
    expect(cased.tokenize('Hello')).toEqual(['[UNK]']); // uncased vocab has no "Hello"
    expect(cased.tokenize('hello')).toEqual(['hello']);
  });

  it('rejects a vocabulary without the special tokens', () => {
    expect(() => new BertTokenizer(['[UNK]', 'a'])).toThrow(
      /special token pad="\[PAD\]" is not in the vocabulary/,
    );
  });
});
