import { join } from 'node:path';
import { rngFromWords } from '@bigs/common';
import { describe, expect, it } from 'vitest';
import { embeddedCorpusDir } from '../embedded/index.js';
import { loadTokenizer } from '../tokenizer/io.js';
import { fromBertTokenizer } from './bert-adapter.js';
import { maskSequence, resolveMasking } from './masking.js';
import { SequencePacker } from './packing.js';
import { splitSentences } from './sentences.js';
import { vocabInfoOf } from './tokenizer.js';

describe('real WordPiece tokenizer through the pipeline adapter', () => {
  it('tokenizes, packs and whole-word-masks with the embedded vocab', async () => {
    const bert = await loadTokenizer(join(embeddedCorpusDir(), 'tokenizer', 'vocab.txt'));
    const tok = fromBertTokenizer(bert);
    expect(tok.specialIds).toEqual(expect.arrayContaining([tok.clsId, tok.sepId, tok.maskId, tok.padId]));
    const text =
      'Call me Ishmael. Some years ago, never mind how long precisely, I thought I would sail about a little.';
    const sents = splitSentences(text).map((s) => tok.tokenizeToIds(s));
    expect(sents).toHaveLength(2);
    const [seq] = [
      ...new SequencePacker(tok, { maxSeqLength: 64, shortSeqProb: 0, seed: 1 }).packDocument(0, sents),
    ];
    expect(seq!.ids[0]).toBe(bert.clsTokenId);
    expect(bert.convertIdsToTokens(seq!.ids.subarray(1, 4))).toEqual(
      ['call', 'me', 'ishmael'].flatMap((w) => bert.tokenize(w)).slice(0, 3),
    );
    const vocab = vocabInfoOf(tok);
    const input = new Int32Array(64);
    const labels = new Int32Array(64);
    const opts = resolveMasking({ wholeWord: true, maskProb: 0.4 }, 64);
    for (let t = 0; t < 50; t++) {
      maskSequence(seq!.ids, vocab, opts, rngFromWords(t), input, labels);
      for (let i = 1; i < seq!.ids.length; i++) {
        if (tok.isContinuation(seq!.ids[i]!)) expect(labels[i] !== -100).toBe(labels[i - 1] !== -100);
      }
    }
  });
});
