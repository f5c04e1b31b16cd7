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

/** A small integer hash (murmur3 finaliser over two words); stable across platforms. */
export function mix32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
