import { resolve } from 'node:path';
import { allocBatch, type MlmBatch } from './batch.js';

type H5Module = typeof import('h5wasm');
let h5Promise: Promise<H5Module> | null = null;

async function loadH5(): Promise<H5Module> {
  if (!h5Promise) {
    h5Promise = (async () => {
      const mod = (await import('h5wasm/node')) as unknown as H5Module & { default?: H5Module };
      const h5 = (mod.default ?? mod) as H5Module;
      await h5.ready;
      return h5;
    })();
  }
  return h5Promise;
}

/** Dataset names of an academic-budget-bert pretraining shard. */
export const HDF5_SHARD_KEYS = [
  'input_ids',
  'input_mask',
  'segment_ids',
  'masked_lm_positions',
  'masked_lm_ids',
] as const;

/** Options for {@link Hdf5Shard.batch}. */
export interface Hdf5BatchOptions {
  /** Label at unpredicted positions. Default −100 (the official BiGS JAX loss used −1 with `labels > 0`). */
  ignoreIndex?: number;
}

/**
 * One academic-budget-bert HDF5 pretraining shard, the format the official BiGS pretraining read: datasets
 * `input_ids`, `input_mask`, `segment_ids` `[N, L]` and `masked_lm_positions`, `masked_lm_ids` `[N, P]`
 * (masking pre-computed; position/id 0 is padding). Optional `next_sentence_labels` is ignored.
 * Rows are read with hyperslab slices, so memory is one batch.
 */
export class Hdf5Shard {
  private constructor(
    private readonly file: InstanceType<H5Module['File']>,
    readonly path: string,
    readonly numSequences: number,
    readonly seqLength: number,
    readonly maxPredictions: number,
  ) {}

  /**
   * Open a shard (read-only). Missing datasets or inconsistent shapes are errors naming the dataset.
   * @example
   * const shard = await Hdf5Shard.open('train_shard_0.hdf5'); shard.numSequences; // N
   */
  static async open(path: string): Promise<Hdf5Shard> {
    const h5 = await loadH5();
    let file: InstanceType<H5Module['File']>;
    try {
      file = new h5.File(resolve(path), 'r');
    } catch (e) {
      throw new Error(`${path}: cannot open HDF5 file (${(e as Error).message})`);
    }
    if (!file || file.file_id < 0n) throw new Error(`${path}: cannot open HDF5 file`);
    const keys = file.keys();
    const shapes: Record<string, number[]> = {};
    for (const k of HDF5_SHARD_KEYS) {
      if (!keys.includes(k)) {
        file.close();
        throw new Error(`${path}: HDF5 dataset "${k}" missing (found: ${keys.join(', ')})`);
      }
      const ds = file.get(k) as InstanceType<H5Module['Dataset']>;
      const shape = ds.shape;
      if (shape?.length !== 2) {
        file.close();
        throw new Error(
          `${path}: HDF5 dataset "${k}" must be 2-D [N, L], got shape ${JSON.stringify(shape)}`,
        );
      }
      shapes[k] = shape;
    }
    const [n, L] = shapes.input_ids as [number, number];
    for (const k of ['input_mask', 'segment_ids'] as const) {
      const s = shapes[k] as number[];
      if (s[0] !== n || s[1] !== L) {
        file.close();
        throw new Error(`${path}: "${k}" shape [${s}] differs from input_ids [${n}, ${L}]`);
      }
    }
    const p = shapes.masked_lm_positions as [number, number];
    const q = shapes.masked_lm_ids as [number, number];
    if (p[0] !== n || q[0] !== n || p[1] !== q[1]) {
      file.close();
      throw new Error(`${path}: masked_lm_positions [${p}] / masked_lm_ids [${q}] do not match N=${n}`);
    }
    return new Hdf5Shard(file, path, n, L, p[1]);
  }

  private rows(name: string, start: number, end: number): Int32Array {
    const ds = this.file.get(name) as InstanceType<H5Module['Dataset']>;
    const v = ds.slice([[start, end]]) as ArrayLike<number | bigint>;
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
    return out;
  }

  /**
   * Read rows `[start, start + count)` as an {@link MlmBatch}: `labels[pos] = masked_lm_ids[j]` for each
   * `pos = masked_lm_positions[j] > 0`, `ignoreIndex` elsewhere. `input_ids` already hold the masked tokens.
   * @example
   * const b = shard.batch(0, 8); b.inputIds; // Int32Array [8*L]
   */
  batch(start: number, count: number, opts: Hdf5BatchOptions = {}): MlmBatch {
    const ignore = opts.ignoreIndex ?? -100;
    if (start < 0 || start >= this.numSequences)
      throw new Error(`${this.path}: row ${start} out of range [0, ${this.numSequences})`);
    const end = Math.min(this.numSequences, start + count);
    const B = end - start;
    const L = this.seqLength;
    const P = this.maxPredictions;
    const b = allocBatch(B, L, P, 0, ignore);
    b.inputIds.set(this.rows('input_ids', start, end)); // [B*L]
    b.attentionMask.set(this.rows('input_mask', start, end)); // [B*L]
    b.tokenTypeIds.set(this.rows('segment_ids', start, end)); // [B*L]
    const pos = this.rows('masked_lm_positions', start, end); // [B*P]
    const ids = this.rows('masked_lm_ids', start, end); // [B*P]
    for (let r = 0; r < B; r++) {
      let k = 0;
      for (let j = 0; j < P; j++) {
        const p = pos[r * P + j] as number;
        if (p <= 0) continue;
        if (p >= L)
          throw new Error(`${this.path}: row ${start + r}: masked_lm_positions value ${p} ≥ seq length ${L}`);
        b.labels[r * L + p] = ids[r * P + j] as number;
        b.maskedPositions[r * P + k++] = p;
      }
      b.numPredictions[r] = k;
    }
    return b;
  }

  /** Iterate the shard in order as batches of `batchSize` (last one smaller). */
  *batches(batchSize: number, opts: Hdf5BatchOptions = {}): Generator<MlmBatch> {
    for (let s = 0; s < this.numSequences; s += batchSize) yield this.batch(s, batchSize, opts);
  }

  close(): void {
    this.file.close();
  }
}
