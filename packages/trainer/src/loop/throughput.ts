import type { BiGSConfig } from '@bigs/models';

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

/** Forward FLOPs per token of one layer's token mixing: the bidirectional SSM's two causal convolutions counted
 * as direct convolutions, 2·(L+1)·H ((L+1)/2 taps per output on average, whatever algorithm runs), or
 * attention's QKᵀ and AV, 4·L·H; 0 for another routing layer. */
export function mixingFlopsPerToken(routing: string, seqLength: number, hiddenSize: number): number {
  if (routing === 'attention') return 4 * seqLength * hiddenSize;
  if (routing === 'bissm') return 2 * (seqLength + 1) * hiddenSize;
  return 0;
}

/** Forward FLOPs per token of the MLM head (transform + tied decoder) at the predicted fraction of positions. */
export function mlmHeadFlopsPerToken(
  hiddenSize: number,
  vocabSize: number,
  predictedFraction: number,
): number {
  return predictedFraction * 2 * (hiddenSize * hiddenSize + hiddenSize * vocabSize);
}

/**
 * Training FLOPs per token of a GATED BiGS MLM model from its sizes alone (for when no model is built): the
 * {@link trainingFlopsPerToken} model with the GATED block's seven matmuls 2·(4H² + 3HI) per layer written out.
 *
 * @example
 * bigsTrainingFlopsPerToken({ hiddenSize: 256, intermediateSize: 768, numLayers: 4, seqLength: 128, vocabSize: 30522, predictedFraction: 0.15 });
 */
export function bigsTrainingFlopsPerToken(s: BiGSFlopsShape): number {
  const { hiddenSize: H, intermediateSize: I, numLayers, seqLength: L, vocabSize: V } = s;
  const perLayer = 2 * (4 * H * H + 3 * H * I) + mixingFlopsPerToken('bissm', L, H);
  return 3 * (numLayers * perLayer + mlmHeadFlopsPerToken(H, V, s.predictedFraction ?? 1));
}

/** What {@link trainingFlopsPerToken} needs from a model: its config and its named parameter shapes. */
export interface FlopsModel {
  config: Pick<BiGSConfig, 'hiddenSize' | 'numHiddenLayers' | 'routing' | 'vocabSize'>;
  /** `[name, shape]` of every parameter. */
  parameterShapes: Array<[string, number[]]>;
}

/** The terms of {@link trainingFlopsPerToken}, per token, forward only. */
export interface FlopsBreakdown {
  /** 2 · Σ |W| over the encoder's dense kernels (2-D `*.kernel` parameters). */
  denseFwd: number;
  /** Token mixing over all layers ({@link mixingFlopsPerToken}). */
  mixingFwd: number;
  /** MLM head at predicted positions: fraction · 2 · (H² + H·V). */
  headFwd: number;
  /** 3 × (denseFwd + mixingFwd + headFwd): forward + backward (backward ≈ 2 × forward). */
  total: number;
}

/**
 * The project's FLOP model: model FLOPs per training token (forward + backward), from the model's own parameter
 * shapes:
 *
 *   6 · Σ_{encoder dense kernels} |W|   (2 flops per multiply-add, ×3 for fwd + bwd)
 * + 3 · layers · mixing               ({@link mixingFlopsPerToken}: SSM convolutions or attention)
 * + 3 · p · 2·(H² + H·V)              MLM head transform + tied decoder at the p = predicted fraction of positions
 *
 * Embedding lookups, LayerNorm, GELU, softmax, kernel generation and the optimizer are not counted (as in the
 * usual 6·N estimate).
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
  const denseFwd = 2 * macs;
  const mixingFwd = c.numHiddenLayers * mixingFlopsPerToken(c.routing, seqLength, c.hiddenSize);
  const headFwd = mlmHeadFlopsPerToken(c.hiddenSize, c.vocabSize, predictedFraction);
  return { denseFwd, mixingFwd, headFwd, total: 3 * (denseFwd + mixingFwd + headFwd) };
}
