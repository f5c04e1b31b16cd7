/** Merging the rows of the engine children and the torch child (cross-child references, targets, the roof). */
import type { BenchRow } from './types.js';

/** Merge: drop duplicate skip rows, link rows to same-named torch rows, fill missing ratios. */
export function merge(rows: BenchRow[], torch: boolean): BenchRow[] {
  const seen = new Set<string>();
  const out: BenchRow[] = [];
  for (const r of rows) {
    const skipTorch = /no python3 with torch/.test(r.note ?? '') && !Number.isFinite(r.medianMs);
    if (skipTorch && torch) continue;
    const key = `${r.suite}|${r.name}|${r.backend}|${r.pass}|${r.note ?? ''}|${Number.isFinite(r.medianMs)}`;
    if (!Number.isFinite(r.medianMs) && seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  for (const r of out) {
    if (r.reference === undefined && !r.backend.startsWith('torch')) {
      const t = out.find(
        (x) =>
          x.suite === r.suite &&
          x.backend.startsWith('torch') &&
          x.name === `torch ${r.name}` &&
          x.pass === r.pass,
      );
      if (t) r.reference = `${t.name} ${t.pass}`;
    }
    if (r.reference !== undefined && r.ratio === undefined) {
      const ref = out.find(
        (x) =>
          x !== r &&
          x.suite === r.suite &&
          `${x.name} ${x.pass}` === r.reference &&
          (r.referenceBackend === undefined || x.backend === r.referenceBackend),
      );
      if (ref && Number.isFinite(ref.medianMs) && ref.medianMs > 0) r.ratio = r.medianMs / ref.medianMs;
      else if (ref && r.referenceBackend !== undefined && Number.isFinite(r.medianMs))
        r.note = [r.note, `${r.referenceBackend} reference did not finish (${ref.note ?? 'no time'})`].join(
          '; ',
        );
    }
    if (r.targetMaxRatio !== undefined && r.ratio !== undefined && Number.isFinite(r.ratio)) {
      const met = r.ratio <= r.targetMaxRatio ? 'met' : 'MISSED';
      const t =
        r.referenceBackend !== undefined
          ? `${(1 / r.ratio).toFixed(2)}× faster than ${r.referenceBackend} (target ≥ ${(1 / r.targetMaxRatio).toFixed(1)}×: ${met})`
          : `target ≤ ${r.targetMaxRatio.toFixed(1)}× ${r.reference}: ${met}`;
      r.note = [r.note, t].filter(Boolean).join('; ');
    }
  }
  // The torch child's rows quote the sgemm roof measured by the native child of the same run.
  // (The gemm suite's roof row or, when that suite was not selected, the roof the native rows quote.)
  const roof =
    out.find((r) => r.suite === 'gemm' && r.name.startsWith('sgemm roof') && r.gflops !== undefined)
      ?.gflops ?? out.find((r) => r.backend === 'native' && r.roofGflops !== undefined)?.roofGflops;
  if (roof !== undefined) {
    for (const r of out) {
      if (!r.backend.startsWith('torch') || r.gflops === undefined || r.roofRatio !== undefined) continue;
      if (!['gemm', 'dense', 'train-step'].includes(r.suite)) continue;
      r.roofGflops = roof;
      r.roofRatio = r.gflops / roof;
      if (r.suite === 'train-step')
        r.note = `${r.note ?? ''}; MFU ${(100 * r.roofRatio).toFixed(1)} % of the measured sgemm roof ${roof.toFixed(1)} GFLOP/s`;
    }
  }
  return out;
}
