/**
 * Model FLOPs utilisation: achieved model FLOP/s over the hardware's peak.
 *
 * `flopsPerToken` is the training cost of one token (forward + backward ≈ 3 × forward), `peakFlops` the
 * device's peak FLOP/s for the dtype used (fp32 here). Returns a fraction in [0, 1].
 *
 * @example
 * mfu(700, 3 * 2 * 11e6, 57e9); // ≈ 0.81 — 700 tok/s of an 11 M-parameter model on 57 GFLOP/s
 */
export function mfu(tokensPerSecond: number, flopsPerToken: number, peakFlops: number): number {
  if (!(flopsPerToken > 0 && peakFlops > 0)) {
    throw new Error(`mfu: flopsPerToken and peakFlops must be > 0, got ${flopsPerToken} and ${peakFlops}`);
  }
  return (tokensPerSecond * flopsPerToken) / peakFlops;
}

/**
 * The standard dense-model estimate: 6·N training FLOPs per token for N (non-embedding) parameters that each
 * do one multiply-add per token (2 forward, 4 backward).
 *
 * @example
 * denseTrainingFlopsPerToken(110e6); // 6.6e8
 */
export function denseTrainingFlopsPerToken(numParams: number): number {
  return 6 * numParams;
}

/** Shape of a BiGS MLM model, for {@link bigsTrainingFlopsPerToken}. */
export interface BiGSFlopsShape {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  seqLength: number;
  vocabSize: number;
  /** Fraction of positions with an MLM prediction (logits computed only there). Default 1 (all positions). */
  predictedFraction?: number;
}

/**
 * Training FLOPs per token of a BiGS MLM model (3 × forward): per layer the seven block matmuls
 * 2·(4H² + 3HI) plus the two causal long convolutions counted as direct convolutions (2·(L+1)·H on average per
 * token), plus the MLM head 2·(H² + H·V) at predicted positions. Embedding lookups, LayerNorm, GELU and the
 * kernel generation are ignored (small).
 *
 * @example
 * bigsTrainingFlopsPerToken({ hiddenSize: 256, intermediateSize: 768, numLayers: 4, seqLength: 128, vocabSize: 30522, predictedFraction: 0.15 });
 */
export function bigsTrainingFlopsPerToken(s: BiGSFlopsShape): number {
  const { hiddenSize: H, intermediateSize: I, numLayers, seqLength: L, vocabSize: V } = s;
  const frac = s.predictedFraction ?? 1;
  const perLayer = 2 * (4 * H * H + 3 * H * I) + 2 * (L + 1) * H;
  const head = frac * 2 * (H * H + H * V);
  return 3 * (numLayers * perLayer + head);
}
