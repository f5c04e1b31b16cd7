import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BertTokenizer } from './bert-tokenizer.js';
import { loadTokenizer, saveTokenizer } from './io.js';
import { fromTokenizerJson, toTokenizerJson } from './tokenizer-json.js';
import { formatVocabTxt, parseVocabTxt } from './vocab.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests break arbitrary fields
type Loose = Record<string, any>;

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s', 'Hello', '!'];
const dir = mkdtempSync(join(tmpdir(), 'bigs-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = 'Hello worlds! hello';

describe('vocab.txt and tokenizer.json', () => {
  it('round-trips vocab.txt', () => {
    const v = parseVocabTxt(`${VOCAB.join('\r\n')}\r\n`);
    expect(v.tokens).toEqual(VOCAB);
    expect(formatVocabTxt(v)).toBe(`${VOCAB.join('\n')}\n`);
  });

  it('round-trips tokenizer.json (uncased and cased settings survive)', () => {
    for (const opts of [{}, { lowercase: false }, { lowercase: true, stripAccents: false }]) {
      const tok = new BertTokenizer(VOCAB, opts);
      const json = JSON.stringify(toTokenizerJson(tok));
      const back = fromTokenizerJson(json);
      expect(back.vocab.tokens).toEqual(VOCAB);
      expect(back.options).toEqual(tok.options);
      expect([...back.encode(sample).inputIds]).toEqual([...tok.encode(sample).inputIds]);
    }
  });

  it('saves and loads both files from a directory', async () => {
    const tok = new BertTokenizer(VOCAB, { lowercase: false });
    await saveTokenizer(tok, dir);
    const fromDir = await loadTokenizer(dir);
    expect(fromDir.basic.lowercase).toBe(false);
    const fromTxt = await loadTokenizer(join(dir, 'vocab.txt'), { lowercase: false });
    expect([...fromTxt.encode(sample).inputIds]).toEqual([...tok.encode(sample).inputIds]);
    expect(JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')).do_lower_case).toBe(false);
  });

  it('accepts BertProcessing post-processors', () => {
    const j = toTokenizerJson(new BertTokenizer(VOCAB)) as unknown as Record<string, unknown>;
    j.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] };
    expect([...fromTokenizerJson(j).encode('hello').inputIds]).toEqual([2, 5, 3]);
  });
});

describe('bad input names the file and line or field', () => {
  it('vocab.txt', async () => {
    expect(() => parseVocabTxt('a\nb\n\nc\n', 'my/vocab.txt')).toThrow('my/vocab.txt:3: empty line');
    expect(() => parseVocabTxt('a\nb\na\n', 'v.txt')).toThrow(
      'v.txt:3: duplicate token "a" (first on line 1)',
    );
    expect(() => parseVocabTxt('', 'v.txt')).toThrow('v.txt: empty vocabulary');
    const p = join(dir, 'bad-vocab.txt');
    writeFileSync(p, 'x\ny\n');
    await expect(loadTokenizer(p)).rejects.toThrow(/special token pad="\[PAD\]" is not in the vocabulary/);
  });

  it('tokenizer.json', async () => {
    const good = () => toTokenizerJson(new BertTokenizer(VOCAB)) as unknown as Loose;
    expect(() => fromTokenizerJson('{"model": ', 't.json')).toThrow(/^t.json: invalid JSON/);
    expect(() => fromTokenizerJson('[]', 't.json')).toThrow(
      't.json: (root): expected a JSON object, got an array',
    );
    let j = good();
    j.model.type = 'BPE';
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: model.type: expected "WordPiece", got "BPE"',
    );
    j = good();
    j.model.vocab.hello = 'five';
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: model.vocab["hello"]: expected a non-negative integer id, got string "five"',
    );
    j = good();
    j.model.vocab.world = 5;
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      /model.vocab\["hello"\]|model.vocab\["world"\]: id 5 is already used/,
    );
    j = good();
    delete j.model.vocab.world;
    expect(() => fromTokenizerJson(j, 't.json')).toThrow('t.json: model.vocab: no token has id 6');
    j = good();
    j.normalizer = { type: 'NFKC' };
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: normalizer.type: expected "BertNormalizer", got "NFKC"',
    );
    j = good();
    j.normalizer.lowercase = 'yes';
    expect(() => fromTokenizerJson(j, 't.json')).toThrow('t.json: normalizer.lowercase: expected true/false');
    j = good();
    j.pre_tokenizer = { type: 'Whitespace' };
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: pre_tokenizer.type: expected "BertPreTokenizer"',
    );
    j = good();
    j.post_processor.single = [{ Sequence: { id: 'A', type_id: 0 } }];
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: post_processor.single: expected the BERT template',
    );
    j = good();
    j.added_tokens[0].content = 7;
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: added_tokens[0].content: expected a non-empty string',
    );
    j = good();
    j.post_processor.pair = [{ Sequence: { id: 'A' } }, 'x'];
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: post_processor.pair[1]: expected {SpecialToken:{id}} or {Sequence:{id}}, got string "x"',
    );
    j = good();
    j.model.max_input_chars_per_word = 0;
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: model.max_input_chars_per_word: expected a positive integer, got number 0',
    );
    j = good();
    j.post_processor = { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] };
    expect(fromTokenizerJson(j, 't.json').options.specialTokens.cls).toBe('[CLS]');
    j.post_processor = { type: 'RobertaProcessing' };
    expect(() => fromTokenizerJson(j, 't.json')).toThrow(
      't.json: post_processor.type: expected "TemplateProcessing" or "BertProcessing", got "RobertaProcessing"',
    );
    const p = join(dir, 'broken.json');
    writeFileSync(p, '{');
    await expect(loadTokenizer(p)).rejects.toThrow(`${p}: invalid JSON`);
  });
});
