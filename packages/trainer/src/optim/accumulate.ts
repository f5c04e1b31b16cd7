import * as tf from '@tensorflow/tfjs';

/**
 * Sums gradients over the micro-batches of one accumulation window, then returns their mean.
 *
 * For a loss that is a mean over equally sized micro-batches, the mean of the micro-batch gradients equals
 * the gradient of the whole batch. Takes ownership of the tensors passed to {@link add}.
 *
 * @example
 * const acc = new GradientAccumulator();
 * acc.add(grads1); acc.add(grads2);   // Record<name, Tensor>, each of its parameter's shape
 * const mean = acc.takeMean();         // (g1 + g2) / 2, owned by the caller
 */
export class GradientAccumulator {
  private sums: Record<string, tf.Tensor> | null = null;
  private n = 0;

  /** Number of micro-batches added since the last {@link takeMean}. */
  get count(): number {
    return this.n;
  }

  /** Add one micro-batch's gradients (ownership moves to the accumulator). */
  add(grads: Record<string, tf.Tensor>): void {
    if (this.sums === null) {
      this.sums = { ...grads };
    } else {
      const sums = this.sums;
      const names = Object.keys(sums);
      if (names.length !== Object.keys(grads).length) {
        throw new Error(
          `GradientAccumulator.add: got ${Object.keys(grads).length} gradients, expected ${names.length}`,
        );
      }
      for (const name of names) {
        const g = grads[name];
        if (!g) throw new Error(`GradientAccumulator.add: missing gradient '${name}'`);
        const prev = sums[name]!;
        sums[name] = tf.add(prev, g); // [param]
        prev.dispose();
        g.dispose();
      }
    }
    this.n += 1;
  }

  /** The mean over the added micro-batches (caller owns the result); the accumulator is reset. */
  takeMean(): Record<string, tf.Tensor> {
    if (this.sums === null || this.n === 0)
      throw new Error('GradientAccumulator.takeMean: nothing was added');
    const out: Record<string, tf.Tensor> = {};
    for (const [name, s] of Object.entries(this.sums)) {
      if (this.n === 1) out[name] = s;
      else {
        out[name] = tf.div(s, this.n); // [param]
        s.dispose();
      }
    }
    this.sums = null;
    this.n = 0;
    return out;
  }

  /** Drop whatever was accumulated. */
  reset(): void {
    if (this.sums) for (const t of Object.values(this.sums)) t.dispose();
    this.sums = null;
    this.n = 0;
  }
}
