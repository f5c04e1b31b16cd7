/**
 * Scores from logits, in float64 on the host: the same logits always give the same scores (the pipeline tests
 * check results against the model's own forward pass through these functions).
 */

/**
 * Softmax of `logits[offset .. offset + n)` (max subtracted first), as float64.
 *
 * @example
 * softmax([0, Math.log(3)]); // Float64Array [0.25, 0.75]
 */
export function softmax(logits: ArrayLike<number>, offset = 0, n = logits.length - offset): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]!);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[offset + i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i]! /= sum;
  return out;
}

/**
 * Logistic sigmoid of each logit, as float64.
 *
 * @example
 * sigmoid([0]); // Float64Array [0.5]
 */
export function sigmoid(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
  return out;
}

/**
 * Indices of the `k` largest values, largest first (ties: the lower index first).
 *
 * @example
 * topKIndices([0.1, 0.7, 0.2], 2); // [1, 2]
 */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  const kk = Math.max(0, Math.min(k, n));
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (top.length === kk) {
      if (kk === 0 || v <= values[top[kk - 1]!]!) continue;
      top.pop();
    }
    let j = top.length;
    while (j > 0 && values[top[j - 1]!]! < v) j--;
    top.splice(j, 0, i);
  }
  return top;
}
