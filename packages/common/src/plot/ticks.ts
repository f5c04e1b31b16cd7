/**
 * "Nice" tick values (1, 2, 2.5, 5 × 10^k steps) covering [min, max] with about `count` ticks.
 *
 * @example
 * niceTicks(0, 0.93, 5); // { min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] }
 */
export function niceTicks(
  min: number,
  max: number,
  count = 5,
): { min: number; max: number; step: number; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`niceTicks: min and max must be finite, got ${min}, ${max}`);
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const mult = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  const step = mult * mag;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) ticks.push(Number((lo + i * step).toPrecision(12)));
  return { min: lo, max: hi, step, ticks };
}

/**
 * Integer ticks for an index axis 0 … n−1 (at most about `count` of them, steps of 1, 2, 5 × 10^k).
 *
 * @example
 * indexTicks(128, 8); // [0, 20, 40, 60, 80, 100, 120]
 */
export function indexTicks(n: number, count = 8): number[] {
  if (n <= 0) return [];
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const raw = (n - 1) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = Math.max(1, (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag);
  const out: number[] = [];
  for (let v = 0; v <= n - 1; v += step) out.push(v);
  return out;
}
