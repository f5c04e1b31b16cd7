import { permutation, rngFromWords } from '@bigs/common';
import { describe, expect, it } from 'vitest';
import { maskSequence, resolveMasking } from './masking.js';
import { SequencePacker } from './packing.js';
import { splitSentences } from './sentences.js';
import { TinyTokenizer } from './tiny-tokenizer.fixture.js';
import { vocabInfoOf } from './tokenizer.js';

describe('Rng', () => {
  it('is deterministic by seed and roughly uniform', () => {
    const a = rngFromWords(42, 1);
    const b = rngFromWords(42, 1);
    const c = rngFromWords(42, 2);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    const r = rngFromWords(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[r.int(10)]++;
    for (const n of counts) expect(Math.abs(n - 10000)).toBeLessThan(500);
  });
  it('permutation is a permutation, deterministic, seed-dependent', () => {
    const p = permutation(1000, 3, 0);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, 3, 0)).toEqual(p);
    expect(permutation(1000, 3, 1)).not.toEqual(p);
  });
});

describe('splitSentences', () => {
  it('splits on terminal punctuation before a capital, respects abbreviations, initials and numbers', () => {
    expect(
      splitSentences(
        'Dr. Smith arrived at 3.30 p.m. yesterday. He sat down! Was it J. R. R. Tolkien? "Yes," she said.',
      ),
    ).toEqual([
      'Dr. Smith arrived at 3.30 p.m. yesterday.',
      'He sat down!',
      'Was it J. R. R. Tolkien?',
      '"Yes," she said.',
    ]);
    expect(splitSentences('He left... Then "It rained." Later (much later) it stopped.')).toEqual([
      'He left...',
      'Then "It rained."',
      'Later (much later) it stopped.',
    ]);
    expect(splitSentences('  no terminal punctuation  ')).toEqual(['no terminal punctuation']);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('e.g. this stays. The U.S. economy grew.')).toEqual([
      'e.g. this stays.',
      'The U.S. economy grew.',
    ]);
  });
});

const sentences = (lengths: number[]): Int32Array[] =>
  lengths.map((n, j) => Int32Array.from({ length: n }, (_, i) => 10 + ((i + j) % 50)));

describe('SequencePacker', () => {
  const tok = { clsId: 2, sepId: 3 };
  it('packs whole sentences up to maxSeqLength with [CLS] … [SEP]; truncates long ones', () => {
    const p = new SequencePacker(tok, { maxSeqLength: 16, shortSeqProb: 0, seed: 1 });
    const seqs = [...p.packDocument(0, sentences([5, 5, 5, 30, 2]))];
    for (const s of seqs) {
      expect(s.ids.length).toBeLessThanOrEqual(16);
      expect(s.ids[0]).toBe(2);
      expect(s.ids[s.ids.length - 1]).toBe(3);
      expect(s.segmentALength).toBe(0);
    }
    // 5+5+5=15 ≥ 14 → one sequence truncated to 14; then 30 → truncated; then 2
    expect(seqs.map((s) => s.ids.length)).toEqual([16, 16, 4]);
  });
  it('shortSeqProb gives some shorter targets; never beyond the limit', () => {
    const p = new SequencePacker(tok, { maxSeqLength: 64, shortSeqProb: 0.5, seed: 3 });
    const lens: number[] = [];
    for (let d = 0; d < 200; d++)
      for (const s of p.packDocument(d, sentences(new Array(40).fill(7)))) lens.push(s.ids.length);
    expect(Math.max(...lens)).toBeLessThanOrEqual(64);
    const short = lens.filter((l) => l < 40).length / lens.length;
    expect(short).toBeGreaterThan(0.2);
    const p0 = new SequencePacker(tok, { maxSeqLength: 64, shortSeqProb: 0, seed: 3 });
    const full = [...p0.packDocument(0, sentences(new Array(40).fill(7)))];
    expect(full.slice(0, -1).every((s) => s.ids.length >= 58)).toBe(true);
  });
  it('two segments: [CLS] A [SEP] B [SEP], segment A length marks the split', () => {
    const p = new SequencePacker(tok, { maxSeqLength: 32, shortSeqProb: 0, twoSegments: true, seed: 9 });
    const seqs = [...p.packDocument(0, sentences([6, 6, 6, 6, 6, 6]))];
    const s = seqs[0]!;
    expect(s.ids.length).toBeLessThanOrEqual(32);
    expect(s.segmentALength).toBeGreaterThan(2);
    expect(s.ids[s.segmentALength - 1]).toBe(3);
    expect(s.ids[s.ids.length - 1]).toBe(3);
  });
  it('is deterministic per (seed, document)', () => {
    const a = [
      ...new SequencePacker(tok, { maxSeqLength: 32, seed: 5, twoSegments: true }).packDocument(
        4,
        sentences([9, 9, 9, 9]),
      ),
    ];
    const b = [
      ...new SequencePacker(tok, { maxSeqLength: 32, seed: 5, twoSegments: true }).packDocument(
        4,
        sentences([9, 9, 9, 9]),
      ),
    ];
    expect(a).toEqual(b);
  });
});

describe('maskSequence', () => {
  const text = 'the quick brown fox jumps over the lazy dog while playing happily';
  const tok = TinyTokenizer.forText('the quick brown fox over lazy dog while', [
    'jump',
    '##s',
    'play',
    '##ing',
    'happ',
    '##ily',
  ]);
  const vocab = vocabInfoOf(tok);
  const body = tok.tokenizeToIds(text);
  const ids = Int32Array.from([tok.clsId, ...body, tok.sepId]);

  it('15 %, 80/10/10 over a large sample; specials never masked; max predictions', () => {
    const opts = resolveMasking({ maxPredictions: 1000 }, 4096);
    const big = Int32Array.from({ length: 2000 }, (_, i) =>
      i === 0 ? tok.clsId : i === 1999 ? tok.sepId : 5 + (i % (tok.vocabSize - 5)),
    );
    const input = new Int32Array(2000);
    const labels = new Int32Array(2000);
    let chosenTotal = 0;
    let masked = 0;
    let kept = 0;
    let random = 0;
    for (let t = 0; t < 20; t++) {
      const chosen = maskSequence(big, vocab, opts, rngFromWords(1, t), input, labels);
      expect(chosen.length).toBe(Math.round(1998 * 0.15));
      chosenTotal += chosen.length;
      for (const p of chosen) {
        expect(labels[p]).toBe(big[p]);
        if (input[p] === tok.maskId) masked++;
        else if (input[p] === big[p]) kept++;
        else random++;
        expect(vocab.specialIds.includes(input[p] as number) && input[p] !== tok.maskId).toBe(false);
      }
      expect(labels[0]).toBe(-100);
      expect(labels[1999]).toBe(-100);
      expect(input[0]).toBe(tok.clsId);
      expect(labels.filter((l) => l !== -100).length).toBe(chosen.length);
    }
    expect(masked / chosenTotal).toBeCloseTo(0.8, 1);
    expect(Math.abs(kept / chosenTotal - 0.1 - (1 / (tok.vocabSize - 5)) * 0.1)).toBeLessThan(0.02);
    expect(Math.abs(random / chosenTotal - 0.1)).toBeLessThan(0.02);
    const capped = maskSequence(
      big,
      vocab,
      resolveMasking({ maxPredictions: 20 }, 128),
      rngFromWords(2),
      input,
      labels,
    );
    expect(capped.length).toBe(20);
  });
  it('whole-word masking masks every piece of a chosen word', () => {
    const opts = resolveMasking({ wholeWord: true, maskProb: 0.3, ignoreIndex: -1 }, 64);
    const input = new Int32Array(ids.length);
    const labels = new Int32Array(ids.length);
    for (let t = 0; t < 200; t++) {
      maskSequence(ids, vocab, opts, rngFromWords(9, t), input, labels);
      for (let i = 1; i < ids.length - 1; i++) {
        if (tok.isContinuation(ids[i]!)) {
          // continuation predicted iff its predecessor piece is predicted
          expect(labels[i] !== -1).toBe(labels[i - 1] !== -1);
        }
      }
      expect(labels[0]).toBe(-1);
    }
  });
  it('is deterministic by seed', () => {
    const opts = resolveMasking({}, 64);
    const run = (s: number) => {
      const input = new Int32Array(ids.length);
      const labels = new Int32Array(ids.length);
      maskSequence(ids, vocab, opts, rngFromWords(s), input, labels);
      return [...input, ...labels];
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});
