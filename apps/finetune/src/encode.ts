import { mix32, mixPermutation } from '@bigs/common';
import type { BertTokenizer } from '@bigs/data';
import type { Batch, BatchSource } from '@bigs/trainer';
import type { Example } from './examples.js';

/**
 * How sentence pairs become one input:
 * - `standard`: `[CLS] A [SEP] B [SEP]`, token types 0 then 1 (official run_glue.py, docs/guide/architecture.md#finetuning-recipe);
 * - `single-segment`: the text `A + " [CLS], " + B` as one sequence, all token types 0 (the freeze scripts,
 *   docs/guide/architecture.md#finetuning-recipe; avoids the token-type-1 embedding that pretraining never trained, docs/guide/architecture.md#embeddings).
 */
export type PairEncoding = 'standard' | 'single-segment';

/** One tokenised example (unpadded: length ≤ maxSeqLength). */
export interface EncodedExample {
  /** [l] */
  ids: Int32Array;
  /** [l] */
  types: Int32Array;
  label: number | null;
}

/**
 * Tokenise examples, truncating to `maxSeqLength` (HF `longest_first` for pairs, from the end for one sequence).
 *
 * @example
 * encodeExamples(tok, [{ id: '0', textA: 'a b', textB: 'c', label: 1 }], { maxSeqLength: 8, pairEncoding: 'standard' });
 * // [{ ids: Int32Array [6] ([CLS] a b [SEP] c [SEP]), types: [0,0,0,0,1,1], label: 1 }]
 */
export function encodeExamples(
  tok: BertTokenizer,
  examples: readonly Example[],
  options: { maxSeqLength: number; pairEncoding: PairEncoding },
): EncodedExample[] {
  const { maxSeqLength, pairEncoding } = options;
  return examples.map((ex) => {
    const enc =
      ex.textB === null
        ? tok.encode(ex.textA, null, { maxLength: maxSeqLength })
        : pairEncoding === 'standard'
          ? tok.encode(ex.textA, ex.textB, { maxLength: maxSeqLength })
          : tok.encode(`${ex.textA} ${tok.specialTokens.cls}, ${ex.textB}`, null, {
              maxLength: maxSeqLength,
            });
    const types = pairEncoding === 'standard' ? enc.tokenTypeIds : new Int32Array(enc.inputIds.length);
    return { ids: enc.inputIds, types, label: ex.label };
  });
}

/** A padded host batch: `[B, L]` int32 arrays, row-major. */
export interface HostBatch extends Batch {
  size: number;
  length: number;
  /** [B·L] */
  ids: Int32Array;
  /** [B·L] */
  types: Int32Array;
  /** [B·L] 1 = real token. */
  mask: Int32Array;
  /** [B] class ids (int) or scores (regression); null when unlabelled. */
  labels: Int32Array | Float32Array | null;
}

/**
 * Right-pad rows to `length` (`null`: the longest row, HF dynamic padding) with `padId`.
 *
 * @example
 * makeBatch(rows, { length: 128, padId: 0, regression: false }).ids.length; // rows.length · 128
 */
export function makeBatch(
  rows: readonly EncodedExample[],
  options: { length: number | null; padId: number; regression: boolean },
): HostBatch {
  const b = rows.length;
  const l = options.length ?? Math.max(1, ...rows.map((r) => r.ids.length));
  const ids = new Int32Array(b * l).fill(options.padId);
  const types = new Int32Array(b * l);
  const mask = new Int32Array(b * l);
  let numTokens = 0;
  const labelled = rows.every((r) => r.label !== null);
  const labels = labelled ? (options.regression ? new Float32Array(b) : new Int32Array(b)) : null;
  rows.forEach((r, i) => {
    const n = Math.min(r.ids.length, l);
    ids.set(r.ids.subarray(0, n), i * l);
    types.set(r.types.subarray(0, n), i * l);
    mask.fill(1, i * l, i * l + n);
    numTokens += n;
    if (labels) labels[i] = r.label as number;
  });
  return { size: b, length: l, ids, types, mask, labels, numTokens };
}

/** A seeded permutation of 0..n-1: the finetuning shuffle stream of the one RNG module. */
export const permutation = mixPermutation;

/**
 * Training batches: a new seeded shuffle each epoch (`mix32(seed, epoch)`), the last batch of an epoch may be
 * smaller (HF's default). Implements the trainer's resumable `BatchSource`.
 */
export class ShuffledBatches implements BatchSource<HostBatch> {
  private epoch = 0;
  private pos = 0;
  private order: Int32Array;

  constructor(
    private readonly rows: readonly EncodedExample[],
    private readonly batchSize: number,
    private readonly seed: number,
    private readonly batchOptions: { length: number | null; padId: number; regression: boolean },
  ) {
    if (rows.length === 0) throw new Error('training set is empty');
    this.order = permutation(rows.length, mix32(seed, 0));
  }

  async next(): Promise<HostBatch | null> {
    if (this.pos >= this.rows.length) return null;
    const end = Math.min(this.pos + this.batchSize, this.rows.length);
    const picked: EncodedExample[] = [];
    for (let i = this.pos; i < end; i++) picked.push(this.rows[this.order[i]!]!);
    this.pos = end;
    return makeBatch(picked, this.batchOptions);
  }

  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.pos = 0;
    this.order = permutation(this.rows.length, mix32(this.seed, epoch));
  }

  getCursor(): unknown {
    return { epoch: this.epoch, pos: this.pos };
  }

  setCursor(cursor: unknown): void {
    const c = cursor as { epoch: number; pos: number };
    this.startEpoch(c.epoch);
    this.pos = c.pos;
  }

  numBatches(): number {
    return Math.ceil(this.rows.length / this.batchSize);
  }
}
