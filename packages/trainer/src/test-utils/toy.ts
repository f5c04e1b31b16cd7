/** Tiny models and data sources for the trainer's tests (not exported from the package). */
import { ForwardContext, Module, mix32 } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import type { Batch, BatchSource } from '../loop/types.js';

/** Deterministic pseudo-random values in [-1, 1) from (seed, i). */
export function hashUniform(seed: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mix32(seed, i) / 2 ** 31 - 1;
  return out;
}

/** x [B, 4] → dense(8) → tanh → dropout → dense(1). Params: w1 (decay), b1, w2 (group 'head'), b2. */
export class ToyMlp extends Module {
  readonly w1: tf.Variable;
  readonly b1: tf.Variable;
  readonly w2: tf.Variable;
  readonly b2: tf.Variable;
  constructor(
    initSeed: number,
    readonly dropout = 0.25,
  ) {
    super();
    this.w1 = this.addParam(
      'w1',
      { values: hashUniform(initSeed, 32), shape: [4, 8] },
      { weightDecay: true },
    );
    this.b1 = this.addParam('b1', { values: new Float32Array(8), shape: [8] }, { weightDecay: false });
    this.w2 = this.addParam(
      'w2',
      { values: hashUniform(initSeed + 1, 8), shape: [8, 1] },
      { weightDecay: true, group: 'head' },
    );
    this.b2 = this.addParam(
      'b2',
      { values: new Float32Array(1), shape: [1] },
      { weightDecay: false, group: 'head' },
    );
  }

  forward(x: tf.Tensor2D, ctx: ForwardContext): tf.Tensor2D {
    let h = tf.tanh(tf.add(tf.matMul(x, this.w1), this.b1)) as tf.Tensor2D; // [B, 8]
    if (ctx.training && this.dropout > 0)
      h = tf.dropout(h, this.dropout, undefined, ctx.nextSeed()) as tf.Tensor2D;
    return tf.add(tf.matMul(h, this.w2), this.b2) as tf.Tensor2D; // [B, 1]
  }
}

/** A regression batch: x [B, 4], y [B, 1] as typed arrays (like `@bigs/data` batches). */
export interface ToyBatch extends Batch {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  index: number;
  poison?: boolean;
}

/** Mean squared error of {@link ToyMlp}; a `poison` batch yields NaN. */
export function toyLoss(model: ToyMlp) {
  return (batch: ToyBatch, ctx: ForwardContext) => {
    const x = tf.tensor2d(batch.x, [batch.rows, 4]); // [B, 4]
    const y = tf.tensor2d(batch.y, [batch.rows, 1]); // [B, 1]
    const pred = model.forward(x, ctx); // [B, 1]
    let loss = tf.mean(tf.square(tf.sub(pred, y))) as tf.Scalar; // []
    if (batch.poison) loss = tf.mul(loss, Number.NaN) as tf.Scalar;
    const mae = tf.mean(tf.abs(tf.sub(pred, y))) as tf.Scalar; // []
    return { loss, metrics: { mae } };
  };
}

/** Rows of the toy data set: y = sin(x·a) + 0.1·x₀, deterministic in the row index. */
export function toyRows(start: number, count: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(count * 4);
  const y = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    const xs = hashUniform(1000 + start + r, 4);
    x.set(xs, r * 4);
    y[r] = Math.sin(xs[0]! * 1.5 - xs[1]! + 0.5 * xs[2]! * xs[3]!) + 0.1 * xs[0]!;
  }
  return { x, y };
}

/**
 * Epoch-based source over `numRows` rows in batches of `rows`; each epoch visits the batches in a
 * deterministic order that depends on the epoch. Cursor = { epoch, pos }.
 */
export class ToySource implements BatchSource<ToyBatch> {
  epoch = 0;
  pos = 0;
  batchesServed = 0;
  constructor(
    readonly rows: number,
    readonly numBatchesPerEpoch: number,
    readonly hooks: { poisonAt?: number; onBatch?: (served: number) => void; shuffle?: boolean } = {},
  ) {}

  private cached: { epoch: number; order: number[] } | null = null;

  private order(): number[] {
    if (this.cached?.epoch === this.epoch) return this.cached.order;
    this.cached = { epoch: this.epoch, order: this.computeOrder() };
    return this.cached.order;
  }

  private computeOrder(): number[] {
    const idx = Array.from({ length: this.numBatchesPerEpoch }, (_, i) => i);
    if (this.hooks.shuffle === false) return idx;
    return idx.sort((a, b) => mix32(this.epoch, a) - mix32(this.epoch, b));
  }

  async next(): Promise<ToyBatch | null> {
    if (this.pos >= this.numBatchesPerEpoch) return null;
    const b = this.order()[this.pos]!;
    this.pos += 1;
    this.batchesServed += 1;
    this.hooks.onBatch?.(this.batchesServed);
    const { x, y } = toyRows(b * this.rows, this.rows);
    const batch: ToyBatch = { x, y, rows: this.rows, index: b, numTokens: this.rows * 4 };
    if (this.hooks.poisonAt === this.batchesServed) batch.poison = true;
    return batch;
  }
  getCursor(): unknown {
    return { epoch: this.epoch, pos: this.pos, served: this.batchesServed };
  }
  setCursor(c: unknown): void {
    const cur = c as { epoch: number; pos: number; served: number };
    this.epoch = cur.epoch;
    this.pos = cur.pos;
    this.batchesServed = cur.served;
  }
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.pos = 0;
  }
  numBatches(): number {
    return this.numBatchesPerEpoch;
  }
}

/** Evaluation MSE (no dropout) on 16 held-out rows. */
export function toyEval(model: ToyMlp) {
  return async () => {
    const { x, y } = toyRows(100_000, 16);
    const v = tf.tidy(() => {
      const pred = model.forward(tf.tensor2d(x, [16, 4]), ForwardContext.eval());
      return tf.mean(tf.square(tf.sub(pred, tf.tensor2d(y, [16, 1]))));
    });
    const loss = (await v.data())[0]!;
    v.dispose();
    return { loss, perplexity: Math.exp(loss) };
  };
}
