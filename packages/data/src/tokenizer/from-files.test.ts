import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedTokenizerDir } from '../embedded/index.js';
import { tokenizerFromFiles } from './from-files.js';
import { loadTokenizer } from './io.js';

describe('tokenizerFromFiles', () => {
  const dir = embeddedTokenizerDir();
  const json = readFileSync(join(dir, 'tokenizer.json'));
  const vocab = readFileSync(join(dir, 'vocab.txt'), 'utf8');
  const text = 'The old Sailor told a story, [MASK] un-believable!';

  it('gives the tokenizer loadTokenizer gives on the directory: tokenizer.json first, else vocab.txt', async () => {
    const ref = (await loadTokenizer(dir)).encode(text);
    const fromJson = tokenizerFromFiles({ 'tokenizer.json': new Uint8Array(json), 'vocab.txt': 'x\n' });
    expect(fromJson.encode(text)).toEqual(ref);
    const fromVocab = tokenizerFromFiles({ 'vocab.txt': vocab });
    expect(fromVocab.encode(text).inputIds).toEqual(ref.inputIds);
  });

  it('names the source when no tokenizer file is there or a file is not UTF-8', () => {
    expect(() => tokenizerFromFiles({ 'config.json': '{}' }, { source: '/demo/m' })).toThrow(
      /\/demo\/m: holds no tokenizer \(tokenizer\.json or vocab\.txt\) among its files \(config\.json\)/,
    );
    expect(() => tokenizerFromFiles({ 'vocab.txt': new Uint8Array([0xc3]) }, { source: '/m' })).toThrow(
      /\/m\/vocab\.txt: not valid UTF-8 text/,
    );
  });
});
