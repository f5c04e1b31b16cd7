import type { Rng } from '@bigs/common';
import type { VocabInfo } from './tokenizer.js';

/** Options of masked-language-model masking. */
export interface MaskingOptions {
  /** Fraction of (non-special) tokens to predict. Default 0.15. */
  maskProb?: number;
  /** Cap on predictions per sequence. Default `round(maxSeqLength × maskProb)` (20 at 128). */
  maxPredictions?: number;
  /** Of the predicted tokens: fraction replaced by `[MASK]` (default 0.8) and by a random token (default 0.1); the rest are kept. */
  maskTokenProb?: number;
  randomTokenProb?: number;
  /** Mask whole words: a `##` continuation piece is masked together with the pieces of its word. Default false. */
  wholeWord?: boolean;
  /** Label at positions that are not predicted. Default −100 (PyTorch); the official BiGS shards use −1. */
  ignoreIndex?: number;
}

/** Fully resolved masking options. */
export type ResolvedMasking = Required<MaskingOptions>;

/** Fill in defaults and check ranges. */
export function resolveMasking(opts: MaskingOptions, maxSeqLength: number): ResolvedMasking {
  const maskProb = opts.maskProb ?? 0.15;
  const r: ResolvedMasking = {
    maskProb,
    maxPredictions: opts.maxPredictions ?? Math.max(1, Math.round(maxSeqLength * maskProb)),
    maskTokenProb: opts.maskTokenProb ?? 0.8,
    randomTokenProb: opts.randomTokenProb ?? 0.1,
    wholeWord: opts.wholeWord ?? false,
    ignoreIndex: opts.ignoreIndex ?? -100,
  };
  if (!(r.maskProb > 0 && r.maskProb < 1)) throw new Error(`maskProb must be in (0, 1), got ${r.maskProb}`);
  if (!(r.maskTokenProb >= 0 && r.randomTokenProb >= 0 && r.maskTokenProb + r.randomTokenProb <= 1)) {
    throw new Error(
      `maskTokenProb + randomTokenProb must be ≤ 1, got ${r.maskTokenProb} + ${r.randomTokenProb}`,
    );
  }
  if (!Number.isInteger(r.maxPredictions) || r.maxPredictions < 1) {
    throw new Error(`maxPredictions must be a positive integer, got ${r.maxPredictions}`);
  }
  return r;
}

const replacementCache = new WeakMap<VocabInfo, { ids: Int32Array; special: Uint8Array }>();

function vocabTables(vocab: VocabInfo): { ids: Int32Array; special: Uint8Array } {
  let t = replacementCache.get(vocab);
  if (!t) {
    const special = new Uint8Array(vocab.vocabSize);
    for (const s of vocab.specialIds) if (s >= 0 && s < vocab.vocabSize) special[s] = 1;
    const ids: number[] = [];
    for (let i = 0; i < vocab.vocabSize; i++) if (!special[i]) ids.push(i);
    t = { ids: Int32Array.from(ids), special };
    replacementCache.set(vocab, t);
  }
  return t;
}

/**
 * BERT-style MLM masking of one sequence (`create_masked_lm_predictions`), written into caller buffers.
 *
 * Candidates are all non-special positions, grouped into words when `wholeWord` (a continuation piece joins
 * the previous group). Groups are visited in random order; `numToPredict = min(maxPredictions,
 * max(1, round(candidates × maskProb)))` positions are chosen, skipping a group that would overshoot. Each chosen
 * position becomes `[MASK]` (80 %), a random non-special token (10 %) or stays (10 %). `labels` gets the original
 * id at chosen positions and `ignoreIndex` elsewhere (also at padding). Returns the chosen positions, sorted.
 * @example
 * const pos = maskSequence(ids, vocab, opts, rng, inputOut, labelsOut); // inputOut, labelsOut: [L]
 */
export function maskSequence(
  ids: ArrayLike<number>,
  vocab: VocabInfo,
  opts: ResolvedMasking,
  rng: Rng,
  inputOut: Int32Array, // [L], L ≥ ids.length
  labelsOut: Int32Array, // [L]
): number[] {
  const { special, ids: replacements } = vocabTables(vocab);
  const n = ids.length;
  labelsOut.fill(opts.ignoreIndex);
  for (let i = 0; i < n; i++) inputOut[i] = ids[i] as number;
  // candidate groups (start index, length)
  const groups: number[][] = [];
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number;
    if (special[id]) continue;
    candidates++;
    const last = groups[groups.length - 1];
    if (opts.wholeWord && last && vocab.continuation[id] && (last[last.length - 1] as number) === i - 1)
      last.push(i);
    else groups.push([i]);
  }
  if (candidates === 0) return [];
  const numToPredict = Math.min(opts.maxPredictions, Math.max(1, Math.round(candidates * opts.maskProb)));
  rng.shuffle(groups);
  const chosen: number[] = [];
  for (const g of groups) {
    if (chosen.length >= numToPredict) break;
    if (chosen.length + g.length > numToPredict) continue;
    for (const p of g) chosen.push(p);
  }
  chosen.sort((a, b) => a - b);
  for (const p of chosen) {
    const orig = ids[p] as number;
    labelsOut[p] = orig;
    const r = rng.uniform();
    if (r < opts.maskTokenProb) inputOut[p] = vocab.maskId;
    else if (r < opts.maskTokenProb + opts.randomTokenProb)
      inputOut[p] = replacements[rng.int(replacements.length)] as number;
  }
  return chosen;
}
