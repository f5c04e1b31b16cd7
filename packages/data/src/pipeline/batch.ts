/** A batch for masked-language-model training: flat row-major typed arrays. */
export interface MlmBatch {
  /** Rows in this batch (B). The final batch of a finite run may be smaller than requested. */
  batchSize: number;
  /** Sequence length (L). */
  seqLength: number;
  inputIds: Int32Array; // [B*L], masked input, padded with padId
  attentionMask: Int32Array; // [B*L], 1 real token, 0 padding
  tokenTypeIds: Int32Array; // [B*L], 0 segment A, 1 segment B
  labels: Int32Array; // [B*L], original id at predicted positions, ignoreIndex elsewhere
  /** Predicted positions per row, sorted, padded with 0 (position 0 is `[CLS]`, never predicted). */
  maskedPositions: Int32Array; // [B*P]
  /** Predictions per row. */
  numPredictions: Int32Array; // [B]
  /** Max predictions per row (P). */
  maxPredictions: number;
}

/** Allocate an all-padding batch. */
export function allocBatch(
  batchSize: number,
  seqLength: number,
  maxPredictions: number,
  padId: number,
  ignoreIndex: number,
): MlmBatch {
  const inputIds = new Int32Array(batchSize * seqLength); // [B*L]
  if (padId !== 0) inputIds.fill(padId);
  return {
    batchSize,
    seqLength,
    inputIds,
    attentionMask: new Int32Array(batchSize * seqLength), // [B*L]
    tokenTypeIds: new Int32Array(batchSize * seqLength), // [B*L]
    labels: new Int32Array(batchSize * seqLength).fill(ignoreIndex), // [B*L]
    maskedPositions: new Int32Array(batchSize * maxPredictions), // [B*P]
    numPredictions: new Int32Array(batchSize), // [B]
    maxPredictions,
  };
}

/** Shrink a batch to its first `rows` rows (copies). */
export function sliceBatch(b: MlmBatch, rows: number): MlmBatch {
  const L = b.seqLength;
  const P = b.maxPredictions;
  return {
    batchSize: rows,
    seqLength: L,
    inputIds: b.inputIds.slice(0, rows * L),
    attentionMask: b.attentionMask.slice(0, rows * L),
    tokenTypeIds: b.tokenTypeIds.slice(0, rows * L),
    labels: b.labels.slice(0, rows * L),
    maskedPositions: b.maskedPositions.slice(0, rows * P),
    numPredictions: b.numPredictions.slice(0, rows),
    maxPredictions: P,
  };
}
