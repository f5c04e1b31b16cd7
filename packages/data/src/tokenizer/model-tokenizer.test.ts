import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelTokenizer } from './model-tokenizer.js';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat'].join('\n');

describe('loadModelTokenizer', () => {
  const withVocab = mkdtempSync(join(tmpdir(), 'bigs-model-tok-'));
  writeFileSync(join(withVocab, 'vocab.txt'), `${VOCAB}\n`);
  const empty = mkdtempSync(join(tmpdir(), 'bigs-model-tok-empty-'));

  it("the model dir's own vocab.txt / tokenizer.json", async () => {
    const r = await loadModelTokenizer(withVocab, { vocabSize: 50 });
    expect(r.tokenizer.vocabSize).toBe(7);
    expect(r.source).toBe(`${withVocab} (model dir)`);
  });
  it('options.tokenizer wins; a missing path is an error naming it', async () => {
    const r = await loadModelTokenizer(empty, { tokenizer: join(withVocab, 'vocab.txt') });
    expect(r.source).toBe(join(withVocab, 'vocab.txt'));
    await expect(loadModelTokenizer(empty, { tokenizer: join(empty, 'nope') })).rejects.toThrow(
      /tokenizer .*nope: no such file or directory/,
    );
  });
  it('no tokenizer: an error naming the dir and the hint, or the embedded one as fallback', async () => {
    await expect(loadModelTokenizer(empty, { hint: 'pass --tokenizer PATH' })).rejects.toThrow(
      /bigs-model-tok-empty-.*: holds no tokenizer \(tokenizer\.json or vocab\.txt\); pass --tokenizer PATH/,
    );
    const r = await loadModelTokenizer(empty, { fallback: 'embedded' });
    expect(r.tokenizer.vocabSize).toBe(8192);
    expect(r.source).toBe('embedded 8k tokenizer of @bigs/data');
  });
  it("a tokenizer larger than the model's vocab_size is an error naming both sizes", async () => {
    await expect(loadModelTokenizer(withVocab, { vocabSize: 5 })).rejects.toThrow(
      /vocabulary size 7 exceeds the model's vocab_size 5; pass the model's own tokenizer/,
    );
  });
});
