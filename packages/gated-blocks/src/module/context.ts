import { mix32 } from '@bigs/common';

/**
 * Per-call state of a forward pass: training or inference, and a deterministic source of dropout seeds.
 *
 * Dropout masks are derived from `(seed, call counter)`, so a run that rebuilds the context with the same
 * seed (e.g. `hash(runSeed, step, microStep)`) replays exactly the same masks — the basis of exact resume.
 */
export class ForwardContext {
  /** True while training: dropout active. */
  readonly training: boolean;
  private readonly seed: number;
  private counter = 0;

  constructor(options: { training?: boolean; seed?: number } = {}) {
    this.training = options.training ?? false;
    this.seed = (options.seed ?? 0) >>> 0;
  }

  /** Inference context: no dropout. */
  static eval(): ForwardContext {
    return new ForwardContext({ training: false });
  }

  /** Training context whose dropout masks are a pure function of `seed`. */
  static train(seed: number): ForwardContext {
    return new ForwardContext({ training: true, seed });
  }

  /** Next 31-bit seed for a random op (dropout); deterministic in (seed, number of previous calls). */
  nextSeed(): number {
    this.counter += 1;
    return mix32(this.seed, this.counter) & 0x7fffffff;
  }
}
