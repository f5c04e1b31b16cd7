import type { BiGSConfig } from '@bigs/models';

/** What the FLOP count needs from a model: its config and its named parameter shapes. */
export interface FlopsModel {
  config: BiGSConfig;
  /** `[name, shape]` of every parameter. */
  parameterShapes: Array<[string, number[]]>;
}

/** The terms of {@link trainingFlopsPerToken}, per token, forward only. */
export interface FlopsBreakdown {
  /** 2 · Σ |W| over the encoder's dense kernels (2-D `*.kernel` parameters). */
  denseFwd: number;
  /** Token mixing: bidirectional SSM conv 2·(L+1)·H per layer (direct-convolution equivalent), or attention 4·L·H. */
  mixingFwd: number;
  /** MLM head at predicted positions: fraction · 2 · (H² + H·V). */
  headFwd: number;
  /** 3 × (denseFwd + mixingFwd + headFwd): forward + backward (backward ≈ 2 × forward). */
  total: number;
}

/**
 * Model FLOPs per training token (forward + backward), from the model's own parameter shapes:
 *
 *   6 · Σ_{encoder dense kernels} |W|                 (2 flops per multiply-add, ×3 for fwd + bwd)
 * + 3 · layers · 2·(L+1)·H      GATED/STACK with `bissm` (two causal convolutions of length L, counted as direct
 *                                 convolutions: (L+1)/2 taps per output on average, whatever algorithm runs)
 * + 3 · layers · 4·L·H          with `attention` (QKᵀ and AV)
 * + 3 · p · 2·(H² + H·V)        MLM head transform + tied decoder at the p = predicted fraction of positions
 *
 * Embedding lookups, LayerNorm, GELU, softmax, kernel generation and the optimizer are not counted (as in the
 * usual 6·N estimate). For BiGS-large at L = 128 this is within 1 % of `bigsTrainingFlopsPerToken` of
 * `@bigs/trainer`, which hard-codes the GATED block's seven matmuls.
 *
 * @example
 * trainingFlopsPerToken(model, 128, 0.15).total; // ≈ 6·(params in dense kernels) + conv + head
 */
export function trainingFlopsPerToken(
  m: FlopsModel,
  seqLength: number,
  predictedFraction: number,
): FlopsBreakdown {
  const c = m.config;
  let macs = 0;
  for (const [name, shape] of m.parameterShapes) {
    if (name.includes('.encoder.') && name.endsWith('.kernel') && shape.length === 2) {
      macs += (shape[0] as number) * (shape[1] as number);
    }
  }
  const H = c.hiddenSize;
  const L = seqLength;
  const perLayerMixing = c.routing === 'attention' ? 4 * L * H : c.routing === 'bissm' ? 2 * (L + 1) * H : 0;
  const denseFwd = 2 * macs;
  const mixingFwd = c.numHiddenLayers * perLayerMixing;
  const headFwd = predictedFraction * 2 * (H * H + H * c.vocabSize);
  return { denseFwd, mixingFwd, headFwd, total: 3 * (denseFwd + mixingFwd + headFwd) };
}

// The stated / measured engine peaks live with the run estimate in @bigs/trainer (shared with `pnpm finetune`).
export { measurePeakFlops, statedPeakFlops } from '@bigs/trainer';
