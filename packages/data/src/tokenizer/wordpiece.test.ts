import { describe, expect, it } from 'vitest';
import { Vocab } from './vocab.js';
import { WordPiece } from './wordpiece.js';

const vocab = new Vocab(['[UNK]', 'un', 'una', '##aff', '##able', '##a', '##ff', 'a', '##b', '😀', '##😀']);
const wp = new WordPiece(vocab);
const split = (w: string) => wp.split(w).map((p) => vocab.tokens[p.id]);

describe('WordPiece', () => {
  it('takes the longest match first, with ## continuations', () => {
    expect(split('unaffable')).toEqual(['una', '##ff', '##able']);
    expect(wp.split('unaffable').map((p) => [p.from, p.to])).toEqual([
      [0, 3],
      [3, 5],
      [5, 9],
    ]);
    expect(split('ab')).toEqual(['a', '##b']);
  });

  it('maps a word with an unmatched position to one [UNK]', () => {
    expect(split('unx')).toEqual(['[UNK]']);
    expect(split('xa')).toEqual(['[UNK]']);
  });

  it('maps words longer than maxInputCharsPerWord (in code points) to [UNK]', () => {
    expect(split('a'.repeat(100))).not.toEqual(['[UNK]']);
    expect(wp.split('a'.repeat(101))).toEqual([{ id: 0, from: 0, to: 101 }]);
    const short = new WordPiece(vocab, { maxInputCharsPerWord: 3 });
    expect(short.split('😀😀😀').length).toBe(3); // 3 code points, 6 UTF-16 units
    expect(short.split('😀😀😀😀')).toEqual([{ id: 0, from: 0, to: 8 }]);
  });

  it('never cuts a surrogate pair', () => {
    expect(split('😀😀')).toEqual(['😀', '##😀']);
  });

  it('requires the unk token', () => {
    expect(() => new WordPiece(new Vocab(['a']))).toThrow(/unk token "\[UNK\]" is not in the vocabulary/);
  });
});
