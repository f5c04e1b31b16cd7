import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from '../module/context.js';

/**
 * Inverted dropout driven by a {@link ForwardContext}: identity unless `ctx.training` and `rate > 0`; otherwise
 * zeroes each entry with probability `rate` and scales the rest by 1/(1 − rate). The mask seed is
 * `ctx.nextSeed()`, so the same context seed replays the same masks. The mask is built from a random tensor
 * only (never a comparison on `x`), so gradients work on every backend.
 *
 * @example
 * dropout(tf.ones([2, 4, 8]), 0.1, ForwardContext.train(1)); // [2, 4, 8]
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, ctx: ForwardContext): T {
  checkProb('dropout', 'rate', rate);
  if (!ctx.training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, ctx.nextSeed()) as T; // [...]
}

/**
 * Validates a probability in [0, 1); returns it.
 * @example
 * checkProb('MyLayer', 'dropoutProb', 0.1); // 0.1
 */
export function checkProb(where: string, field: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new Error(`${where}: ${field} must be a number in [0, 1), got ${String(p)}`);
  }
  return p;
}
