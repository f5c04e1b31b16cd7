import { ForwardContext, mix32 } from '@bigs/gated-blocks';

/**
 * The dropout seed of one micro-batch: a hash of (run seed, optimizer step, micro-step).
 *
 * Because dropout masks are a pure function of this seed ({@link ForwardContext}), a resumed run that
 * rebuilds contexts with the same (seed, step, micro-step) replays exactly the same masks. No RNG state
 * needs saving beyond the run seed.
 *
 * @example
 * stepSeed(42, 0, 0); // a 31-bit integer, the same on every platform
 */
export function stepSeed(runSeed: number, step: number, microStep: number): number {
  if (!Number.isInteger(runSeed) || !Number.isInteger(step) || !Number.isInteger(microStep)) {
    throw new Error(
      `stepSeed: runSeed, step and microStep must be integers, got ${runSeed}, ${step}, ${microStep}`,
    );
  }
  return mix32(mix32(runSeed >>> 0, step >>> 0), microStep >>> 0) & 0x7fffffff;
}

/** A training {@link ForwardContext} seeded with {@link stepSeed}. */
export function trainContext(runSeed: number, step: number, microStep: number): ForwardContext {
  return ForwardContext.train(stepSeed(runSeed, step, microStep));
}

/** How the trainer derives its randomness; stored in `trainer_state.json` as the RNG state. */
export const RNG_SCHEME = 'ForwardContext.train(mix32(mix32(seed, step), micro_step) & 0x7fffffff)';
