import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { embeddedCorpusPaths } from '../embedded/index.js';
import { trainWordPiece } from './trainer.js';

// A slice of the embedded corpus (real text), small enough for a fast test.
const lines = readFileSync(embeddedCorpusPaths()[0]!, 'utf8').split('\n').filter(Boolean).slice(0, 400);

async function* stream(xs: string[]): AsyncGenerator<string> {
  for (const x of xs) yield x;
}

describe('trainWordPiece', () => {
  it('puts special tokens first, then the alphabet, ## characters and merges; respects vocabSize', async () => {
    const { vocab, stats } = await trainWordPiece(stream(lines), { vocabSize: 1000 });
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab.length).toBe(1000);
    expect(new Set(vocab).size).toBe(1000);
    expect(vocab).toContain('the');
    expect(vocab).toContain('##e');
    expect(stats.merges).toBeGreaterThan(500);
  });

  it('is deterministic (async stream and array give the same vocabulary)', async () => {
    const a = await trainWordPiece(stream(lines), { vocabSize: 800 });
    const b = await trainWordPiece(lines, { vocabSize: 800 });
    expect(b.vocab).toEqual(a.vocab);
  });

  it('tokenizes its own corpus with few [UNK]s and round-trips words', async () => {
    const { tokenizer } = await trainWordPiece(lines, { vocabSize: 1500 });
    let unk = 0;
    let total = 0;
    for (const l of lines) {
      const ids = tokenizer.encode(l, null, { addSpecialTokens: false }).inputIds;
      total += ids.length;
      for (const id of ids) if (id === tokenizer.unkTokenId) unk++;
    }
    expect(unk / total).toBeLessThan(0.001);
    expect(tokenizer.decode(tokenizer.encode('Call me Ishmael.').inputIds, { skipSpecialTokens: true })).toBe(
      'call me ishmael.',
    );
  });

  it('honours minFrequency, limitAlphabet and initialAlphabet', async () => {
    const big = await trainWordPiece(lines, { vocabSize: 100000, minFrequency: 50 });
    expect(big.vocab.length).toBeLessThan(2000); // stops when no pair reaches 50
    const small = await trainWordPiece(lines, { vocabSize: 200, limitAlphabet: 10, initialAlphabet: ['µ'] });
    expect(small.stats.alphabet).toBe(10);
    expect(small.vocab).toContain('µ');
    expect(small.vocab).toContain('e');
    await expect(trainWordPiece(lines, { vocabSize: 0 })).rejects.toThrow(
      /vocabSize must be a positive integer/,
    );
  });
});
