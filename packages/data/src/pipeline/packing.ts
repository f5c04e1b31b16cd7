import { type Rng, rngFromWords } from '@bigs/common';
import type { PipelineTokenizer } from './tokenizer.js';

/** Options for {@link SequencePacker}. */
export interface PackingOptions {
  /** Sequence length including `[CLS]` and `[SEP]` tokens (e.g. 128). */
  maxSeqLength: number;
  /** Probability that a document's target length is drawn uniformly from `[2, max]` instead (BERT: 0.1). */
  shortSeqProb?: number;
  /** Two segments `[CLS] A [SEP] B [SEP]` (token types 0/1) instead of one `[CLS] A [SEP]`. Default false (BiGS). */
  twoSegments?: boolean;
  /** Seed of the packing randomness (target lengths, split points, truncation side). */
  seed: number;
}

/** A packed training sequence. */
export interface PackedSequence {
  /** Token ids with specials: `[CLS] … [SEP]` or `[CLS] A [SEP] B [SEP]`; length ≤ maxSeqLength. */
  ids: Int32Array; // [n]
  /** Tokens of segment A including `[CLS]` and its `[SEP]`; 0 for single-segment sequences. */
  segmentALength: number;
}

/**
 * Packs a document's tokenized sentences into training sequences, following BERT's
 * `create_instances_from_document` (also used by academic-budget-bert), without next-sentence prediction:
 *
 * - the target length is `maxSeqLength − 2` (`− 3` with two segments); with probability `shortSeqProb`
 *   (once per document, as in BERT) it is drawn uniformly from `[2, target]` instead;
 * - whole sentences are accumulated until the target is reached or the document ends, then emitted;
 * - two-segment mode cuts the chunk at a random sentence boundary into A and B (B is the actual continuation;
 *   a one-sentence chunk gives a single segment);
 * - over-long sequences are truncated one token at a time from the longer segment, at the front or the back
 *   chosen at random (BERT's `truncate_seq_pair`).
 *
 * Randomness comes from `rngFromWords(seed, 0x7061636b, docIndex)`, so a document packs the same way whatever precedes it.
 * @example
 * const packer = new SequencePacker(tok, { maxSeqLength: 128, seed: 42 });
 * for (const seq of packer.packDocument(0, sentencesIds)) seq.ids; // Int32Array [≤ 128]
 */
export class SequencePacker {
  readonly maxSeqLength: number;
  readonly shortSeqProb: number;
  readonly twoSegments: boolean;
  readonly seed: number;

  constructor(
    private readonly tok: Pick<PipelineTokenizer, 'clsId' | 'sepId'>,
    opts: PackingOptions,
  ) {
    if (!Number.isInteger(opts.maxSeqLength) || opts.maxSeqLength < (opts.twoSegments ? 5 : 3)) {
      throw new Error(
        `maxSeqLength must be an integer ≥ ${opts.twoSegments ? 5 : 3}, got ${opts.maxSeqLength}`,
      );
    }
    const p = opts.shortSeqProb ?? 0.1;
    if (!(p >= 0 && p <= 1)) throw new Error(`shortSeqProb must be in [0, 1], got ${p}`);
    this.maxSeqLength = opts.maxSeqLength;
    this.shortSeqProb = p;
    this.twoSegments = opts.twoSegments ?? false;
    this.seed = opts.seed;
  }

  /** Pack one document (its sentences as token ids, without specials). */
  *packDocument(docIndex: number, sentences: ArrayLike<number>[]): Generator<PackedSequence> {
    const rng = rngFromWords(this.seed, 0x7061636b, docIndex);
    const maxNum = this.maxSeqLength - (this.twoSegments ? 3 : 2);
    const target = rng.uniform() < this.shortSeqProb ? rng.intBetween(2, maxNum) : maxNum;
    let chunk: ArrayLike<number>[] = [];
    let length = 0;
    const nonEmpty = sentences.filter((s) => s.length > 0);
    for (let i = 0; i < nonEmpty.length; i++) {
      const s = nonEmpty[i] as ArrayLike<number>;
      chunk.push(s);
      length += s.length;
      if (i === nonEmpty.length - 1 || length >= target) {
        yield this.emit(chunk, maxNum, rng);
        chunk = [];
        length = 0;
      }
    }
  }

  private emit(chunk: ArrayLike<number>[], maxNum: number, rng: Rng): PackedSequence {
    let aEnd = chunk.length;
    if (this.twoSegments && chunk.length >= 2) aEnd = rng.intBetween(1, chunk.length - 1);
    const a = concat(chunk.slice(0, aEnd));
    const b = concat(chunk.slice(aEnd));
    const seg = { a: 0, aEnd: a.length, b: 0, bEnd: b.length };
    while (seg.aEnd - seg.a + (seg.bEnd - seg.b) > maxNum) {
      const useA = seg.aEnd - seg.a >= seg.bEnd - seg.b;
      const front = rng.uniform() < 0.5;
      if (useA) {
        if (front) seg.a++;
        else seg.aEnd--;
      } else if (front) seg.b++;
      else seg.bEnd--;
    }
    const hasB = seg.bEnd > seg.b;
    const n = 2 + (seg.aEnd - seg.a) + (hasB ? seg.bEnd - seg.b + 1 : 0);
    const ids = new Int32Array(n);
    let k = 0;
    ids[k++] = this.tok.clsId;
    ids.set(a.subarray(seg.a, seg.aEnd), k);
    k += seg.aEnd - seg.a;
    ids[k++] = this.tok.sepId;
    const segmentALength = hasB ? k : 0;
    if (hasB) {
      ids.set(b.subarray(seg.b, seg.bEnd), k);
      k += seg.bEnd - seg.b;
      ids[k++] = this.tok.sepId;
    }
    return { ids, segmentALength };
  }
}

function concat(parts: ArrayLike<number>[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int32Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
