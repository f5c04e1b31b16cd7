/**
 * The one epoch → optimizer-step rule of the project (the apps' `--num-train-epochs` and the Trainer's `epochs`):
 * `max(1, ceil(epochs · batchesPerEpoch / accumulation))`. Rounding up means every batch of the requested epochs
 * is trained on (a last partial accumulation window still makes a step), and a tiny data set still trains one
 * step.
 *
 * @example
 * stepsForEpochs(1, 10, 3); // 4 (10 micro-batches in windows of 3: 3 + 3 + 3 + 1)
 * stepsForEpochs(0.5, 7); // 4
 */
export function stepsForEpochs(epochs: number, batchesPerEpoch: number, accumulation = 1): number {
  if (!(Number.isFinite(epochs) && epochs > 0)) throw new Error(`epochs must be a number > 0, got ${epochs}`);
  if (!(Number.isInteger(batchesPerEpoch) && batchesPerEpoch >= 0)) {
    throw new Error(`batches per epoch must be an integer >= 0, got ${batchesPerEpoch}`);
  }
  if (!(Number.isInteger(accumulation) && accumulation >= 1)) {
    throw new Error(`gradient accumulation steps must be an integer >= 1, got ${accumulation}`);
  }
  return Math.max(1, Math.ceil((epochs * batchesPerEpoch) / accumulation));
}
