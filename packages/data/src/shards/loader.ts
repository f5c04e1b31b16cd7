import { permutation, rngFromWords } from '@bigs/common';
import { allocBatch, type MlmBatch, sliceBatch } from '../pipeline/batch.js';
import {
  type MaskingOptions,
  maskSequence,
  type ResolvedMasking,
  resolveMasking,
} from '../pipeline/masking.js';
import type { ShardSet } from './dataset.js';

/** Where a loader stands: the next sequence it will read. Plain JSON; save it with a checkpoint. */
export interface LoaderCursor {
  /** Epoch number (0-based). */
  epoch: number;
  /** Position in the epoch's shard order (not the shard file index). */
  shard: number;
  /** Position in that shard's sequence order (before worker filtering). */
  index: number;
}

/** Options for {@link MlmBatchLoader}. */
export interface MlmBatchLoaderOptions {
  batchSize: number;
  /** Seed of shuffling and dynamic masking. */
  seed: number;
  /** Shuffle shard order and sequence order within each shard, anew each epoch. Default true. */
  shuffle?: boolean;
  /**
   * `dynamic` (default): fresh masks each epoch, seeded by (seed, epoch, shard, sequence) — resume is exact.
   * `static`: the same mask for a sequence in every epoch (as if stored in the shard). `none`: no masking
   * (labels all ignoreIndex).
   */
  masking?: 'dynamic' | 'static' | 'none';
  maskingOptions?: MaskingOptions;
  /** Data-parallel workers: worker `workerIndex` of `numWorkers` takes positions `k ≡ workerIndex (mod numWorkers)` of each shard's order. */
  workerIndex?: number;
  numWorkers?: number;
  /** Stop after this many epochs (default: never stop). */
  maxEpochs?: number;
  /** Drop a final batch smaller than `batchSize` (only with a finite `maxEpochs`). Default false. */
  dropLast?: boolean;
  /** Start here instead of the beginning (from {@link MlmBatchLoader.cursor} of an earlier run). */
  cursor?: LoaderCursor;
  /** Sequence length of the batches (default: the shard set's maxSeqLength). */
  seqLength?: number;
}

const MASK_SALT = 0x6d61736b;
const SHARD_SALT = 0x73686172;

/**
 * Reads {@link MlmBatch}es from a {@link ShardSet}: deterministic shuffling by seed, worker sharding, dynamic MLM
 * masking and a saveable cursor.
 *
 * Order of epoch `e`: shards in the order `permutation(numShards, seed, SHARD_SALT, e)`; within shard file `f`,
 * sequences in the order `permutation(n_f, seed, e, f)` (identity orders when `shuffle` is false). Worker `w`
 * of `W` reads the positions `k` with `k % W === w` of each shard's order, so workers are disjoint and together
 * complete. A sequence's mask uses `rngFromWords(seed, MASK_SALT, e, f, i)` (`e` = 0 for static masking), so it does not
 * depend on batch boundaries: restoring a cursor reproduces the following batches exactly.
 * @example
 * const loader = new MlmBatchLoader(ShardSet.open('shards'), { batchSize: 32, seed: 42 });
 * const b = loader.next(); // b.inputIds: Int32Array [32*128]
 * const saved = loader.cursor; // { epoch, shard, index }
 */
export class MlmBatchLoader implements IterableIterator<MlmBatch> {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly masking: ResolvedMasking;
  private readonly mode: 'dynamic' | 'static' | 'none';
  private readonly shuffle: boolean;
  private readonly seed: number;
  private readonly worker: number;
  private readonly workers: number;
  private readonly maxEpochs: number;
  private readonly dropLast: boolean;
  private pos: LoaderCursor;
  private shardOrder: Uint32Array | null = null;
  private shardOrderEpoch = -1;
  private seqOrder: Uint32Array | null = null;
  private seqOrderKey = '';

  constructor(
    readonly set: ShardSet,
    opts: MlmBatchLoaderOptions,
  ) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
      throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
    this.batchSize = opts.batchSize;
    this.seqLength = opts.seqLength ?? set.maxSeqLength;
    if (this.seqLength < set.maxSeqLength) {
      throw new Error(
        `seqLength ${this.seqLength} is shorter than the shards' maxSeqLength ${set.maxSeqLength}`,
      );
    }
    this.masking = resolveMasking(opts.maskingOptions ?? {}, set.maxSeqLength);
    this.mode = opts.masking ?? 'dynamic';
    this.shuffle = opts.shuffle ?? true;
    this.seed = opts.seed;
    this.workers = opts.numWorkers ?? 1;
    this.worker = opts.workerIndex ?? 0;
    if (
      !Number.isInteger(this.workers) ||
      this.workers < 1 ||
      !Number.isInteger(this.worker) ||
      this.worker < 0 ||
      this.worker >= this.workers
    ) {
      throw new Error(
        `workerIndex must be in [0, numWorkers), got workerIndex=${this.worker} numWorkers=${this.workers}`,
      );
    }
    this.maxEpochs = opts.maxEpochs ?? Number.POSITIVE_INFINITY;
    this.dropLast = opts.dropLast ?? false;
    this.pos = { epoch: 0, shard: 0, index: 0 };
    if (opts.cursor) this.restore(opts.cursor);
  }

  /** The position of the next sequence to read (a copy; JSON-serializable). */
  get cursor(): LoaderCursor {
    return { ...this.pos };
  }

  /** Continue from a saved cursor. */
  restore(c: LoaderCursor): void {
    for (const k of ['epoch', 'shard', 'index'] as const) {
      if (!Number.isInteger(c[k]) || c[k] < 0)
        throw new Error(`cursor.${k} must be a non-negative integer, got ${String(c[k])}`);
    }
    if (c.shard > this.set.numShards)
      throw new Error(`cursor.shard ${c.shard} out of range [0, ${this.set.numShards}]`);
    this.pos = { ...c };
  }

  private shardFileAt(epoch: number, position: number): number {
    if (!this.shuffle) return position;
    if (this.shardOrderEpoch !== epoch) {
      this.shardOrder = permutation(this.set.numShards, this.seed, SHARD_SALT, epoch);
      this.shardOrderEpoch = epoch;
    }
    return (this.shardOrder as Uint32Array)[position] as number;
  }

  private sequenceAt(epoch: number, file: number, k: number): number {
    if (!this.shuffle) return k;
    const key = `${epoch}/${file}`;
    if (this.seqOrderKey !== key) {
      this.seqOrder = permutation(this.set.shardSize(file), this.seed, epoch, file);
      this.seqOrderKey = key;
    }
    return (this.seqOrder as Uint32Array)[k] as number;
  }

  /** Advance to the next sequence this worker owns; returns [file, sequence index, epoch] or null at the end. */
  private advance(): [number, number, number] | null {
    for (;;) {
      const p = this.pos;
      if (p.epoch >= this.maxEpochs) return null;
      if (p.shard >= this.set.numShards) {
        this.pos = { epoch: p.epoch + 1, shard: 0, index: 0 };
        continue;
      }
      const file = this.shardFileAt(p.epoch, p.shard);
      const n = this.set.shardSize(file);
      // first position ≥ index owned by this worker
      let k = p.index;
      const r = k % this.workers;
      if (r !== this.worker) k += (this.worker - r + this.workers) % this.workers;
      if (k >= n) {
        this.pos = { epoch: p.epoch, shard: p.shard + 1, index: 0 };
        continue;
      }
      this.pos = { epoch: p.epoch, shard: p.shard, index: k + 1 };
      return [file, this.sequenceAt(p.epoch, file, k), p.epoch];
    }
  }

  /** The next batch, or `null` when `maxEpochs` is exhausted. */
  nextBatch(): MlmBatch | null {
    const B = this.batchSize;
    const L = this.seqLength;
    const P = this.masking.maxPredictions;
    const vocab = this.set.vocab;
    const batch = allocBatch(B, L, P, vocab.padId, this.masking.ignoreIndex);
    const input = new Int32Array(L);
    const labels = new Int32Array(L);
    let rows = 0;
    while (rows < B) {
      const at = this.advance();
      if (!at) break;
      const [file, i, epoch] = at;
      const { ids, segmentALength } = this.set.sequence(file, i);
      const off = rows * L;
      const n = ids.length;
      if (this.mode === 'none') {
        batch.inputIds.set(ids, off);
      } else {
        const rng = rngFromWords(this.seed, MASK_SALT, this.mode === 'static' ? 0 : epoch, file, i);
        const chosen = maskSequence(ids, vocab, this.masking, rng, input, labels);
        batch.inputIds.set(input.subarray(0, n), off);
        batch.labels.set(labels.subarray(0, n), off);
        for (let j = 0; j < chosen.length; j++) batch.maskedPositions[rows * P + j] = chosen[j] as number;
        batch.numPredictions[rows] = chosen.length;
      }
      batch.attentionMask.fill(1, off, off + n);
      if (segmentALength > 0) batch.tokenTypeIds.fill(1, off + segmentALength, off + n);
      rows++;
    }
    if (rows === 0) return null;
    if (rows < B) return this.dropLast ? null : sliceBatch(batch, rows);
    return batch;
  }

  next(): IteratorResult<MlmBatch> {
    const b = this.nextBatch();
    return b ? { done: false, value: b } : { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<MlmBatch> {
    return this;
  }
}

/**
 * Every (shard file, sequence index) pair a worker reads in one epoch, in order — for tests and inspection.
 * @example
 * epochOrder(set, { seed: 1, epoch: 0 }).length; // set.numSequences with one worker
 */
export function epochOrder(
  set: ShardSet,
  opts: { seed: number; epoch: number; shuffle?: boolean; workerIndex?: number; numWorkers?: number },
): [number, number][] {
  const loader = new MlmBatchLoader(set, {
    batchSize: 1,
    seed: opts.seed,
    shuffle: opts.shuffle ?? true,
    workerIndex: opts.workerIndex ?? 0,
    numWorkers: opts.numWorkers ?? 1,
    maxEpochs: opts.epoch + 1,
    masking: 'none',
    cursor: { epoch: opts.epoch, shard: 0, index: 0 },
  });
  const out: [number, number][] = [];
  const internal = loader as unknown as { advance(): [number, number, number] | null };
  for (let at = internal.advance(); at; at = internal.advance()) out.push([at[0], at[1]]);
  return out;
}
