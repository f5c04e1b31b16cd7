// The FLOP model and the engine peaks live in @bigs/trainer (shared with `pnpm finetune`).
export {
  type FlopsBreakdown,
  type FlopsModel,
  measurePeakFlops,
  statedPeakFlops,
  trainingFlopsPerToken,
} from '@bigs/trainer';
