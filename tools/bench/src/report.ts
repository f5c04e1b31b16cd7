/**
 * Targets table generator: reads a results JSON (default `results/latest.json`) and fills the targets table of
 * tools/bench/README.md between its `bench-targets` markers, so no number there is typed by hand. The runner
 * calls it after a full run and puts the same table at the top of every results markdown.
 *
 *   pnpm --filter @bigs/bench report [results/bench-<date>.json]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@bigs/models';
import { DENSE_ROOF_TARGET } from './cases/dense.js';
import { BUILTIN_TARGET } from './cases/gemm.js';
import { INFER_SPEEDUP_TARGET, LARGE_RSS_TARGET_BYTES, TORCH_STEP_TARGET } from './cases/train-step.js';
import type { BenchRow } from './types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const README = path.join(HERE, '..', 'README.md');
const LATEST = path.join(HERE, '..', 'results', 'latest.json');
const BEGIN = '<!-- bench-targets:begin';
const END = '<!-- bench-targets:end -->';

const RSS_TARGET_GIB = LARGE_RSS_TARGET_BYTES / 2 ** 30;

type Status = 'met' | 'MISSED' | 'not measured' | 'report' | 'failed';

interface TargetRow {
  what: string;
  target: string;
  measured: string;
  status: Status;
}

export interface Results {
  meta: Record<string, unknown>;
  rows: BenchRow[];
}

/** A finished row (a `Measured` brand so that a false result does not narrow the row away). */
type Measured = BenchRow & { readonly measured?: true };
const ok = (r: BenchRow | undefined): r is Measured => r !== undefined && Number.isFinite(r.medianMs);
const f = (v: number, d = 2) => v.toFixed(d);
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

/** The targets with the values found in `rows` (rows of one merged run). */
export function targets(rows: BenchRow[]): TargetRow[] {
  const find = (suite: string, backend: string, pred: (r: BenchRow) => boolean) =>
    rows.find((r) => r.suite === suite && r.backend === backend && pred(r));
  const out: TargetRow[] = [];

  // gemm: the roof, the built-in GEMM, torch.mm.
  const roof = find('gemm', 'native', (r) => r.name.startsWith('sgemm roof'));
  out.push({
    what: 'gemm: sgemm roof = median OpenBLAS GFLOP/s over the BERT-large shapes (native addon)',
    target: 'measured each run',
    measured:
      roof?.gflops !== undefined
        ? `${f(roof.gflops, 1)} GFLOP/s (${roof.params.blas}, ${roof.params.threads} thread(s), ${roof.params.shapes} shapes)`
        : '—',
    status: roof?.gflops !== undefined ? 'report' : 'not measured',
  });
  const builtin = rows.filter(
    (r) => r.suite === 'gemm' && r.backend === 'native' && r.name.startsWith('built-in sgemm ') && ok(r),
  );
  if (builtin.length > 0) {
    const ratios = builtin.map((r) => r.roofRatio ?? Number.NaN);
    const med = median(ratios);
    out.push({
      what: 'gemm: built-in GEMM vs the roof (median over the same shapes)',
      target: `≥ ${BUILTIN_TARGET}×`,
      measured: `median ${f(med)}×, worst ${f(Math.min(...ratios))}×, best ${f(Math.max(...ratios))}×`,
      status: med >= BUILTIN_TARGET ? 'met' : 'MISSED',
    });
  } else
    out.push({
      what: 'gemm: built-in GEMM vs the roof',
      target: `≥ ${BUILTIN_TARGET}×`,
      measured: '—',
      status: 'not measured',
    });
  const torchGemm = rows.filter(
    (r) => r.suite === 'gemm' && r.backend.startsWith('torch') && ok(r) && r.gflops !== undefined,
  );
  out.push({
    what: 'gemm: torch.mm on the same shapes (reference, 2 threads)',
    target: 'reference',
    measured:
      torchGemm.length > 0
        ? `median ${f(median(torchGemm.map((r) => r.gflops!)), 1)} GFLOP/s` +
          (roof?.gflops !== undefined
            ? ` = ${f(median(torchGemm.map((r) => r.gflops!)) / roof.gflops)}× the roof`
            : '')
        : '—',
    status: torchGemm.length > 0 ? 'report' : 'not measured',
  });

  // dense: BERT-large fwd+bwd on native vs the roof.
  const dense = rows.filter(
    (r) =>
      r.suite === 'dense' &&
      r.backend === 'native' &&
      r.pass === 'fwd+bwd' &&
      r.params.model === 'BERT-large' &&
      ok(r),
  );
  out.push({
    what: 'dense: BERT-large shapes (4096 tokens: 1024→4096, 4096→1024, 1024→1024) fwd+bwd on native vs the roof',
    target: `≥ ${DENSE_ROOF_TARGET}× each`,
    measured:
      dense.length > 0 ? dense.map((r) => `${r.name} ${f(r.roofRatio ?? Number.NaN)}×`).join(', ') : '—',
    status:
      dense.length === 0
        ? 'not measured'
        : dense.every((r) => (r.roofRatio ?? 0) >= DENSE_ROOF_TARGET)
          ? 'met'
          : 'MISSED',
  });

  // train-step: native vs PyTorch on the tiny cases.
  for (const name of ['bigs tiny L=128 B=16', 'bigs tiny L=512 B=4']) {
    const r = find('train-step', 'native', (x) => x.name === name);
    const t = find('train-step', 'torch-t2', (x) => x.name === `torch ${name}`);
    const has = ok(r) && r.ratio !== undefined;
    out.push({
      what: `train-step: ${name} step time, native / PyTorch`,
      target: `≤ ${f(TORCH_STEP_TARGET, 1)}×`,
      measured: has
        ? `${f(r.ratio!)}× (${f(r.medianMs, 0)} vs ${ok(t) ? f(t.medianMs, 0) : '?'} ms; ${f(r.tokensPerSec ?? 0, 0)} tok/s, MFU ${f(100 * (r.roofRatio ?? Number.NaN), 1)} % of the roof)`
        : '—',
      status: has ? (r.ratio! <= TORCH_STEP_TARGET ? 'met' : 'MISSED') : 'not measured',
    });
  }

  // BiGS-large.
  const l128 = find('train-step', 'native', (x) => x.name.startsWith('bigs large L=128'));
  const t128 = find('train-step', 'torch-t2', (x) => x.name.startsWith('torch bigs large L=128'));
  out.push({
    what: `train-step: BiGS-large (bigs-128) L=128 batch 8 step: tokens/s, peak RSS, MFU vs the roof; PyTorch tokens/s`,
    target: 'report',
    measured: ok(l128)
      ? `native ${f(l128.tokensPerSec ?? 0, 1)} tok/s, peak RSS ${gib(l128.peakRssBytes ?? 0)}, MFU ${f(100 * (l128.roofRatio ?? Number.NaN), 1)} %` +
        (ok(t128)
          ? `; PyTorch ${f(t128.tokensPerSec ?? 0, 1)} tok/s${l128.ratio !== undefined ? ` (native / PyTorch time ${f(l128.ratio)}×)` : ''}`
          : '; PyTorch —')
      : l128
        ? `native: ${l128.note}`
        : '—',
    status: ok(l128) ? 'report' : l128 ? 'failed' : 'not measured',
  });
  const l512 = find('train-step', 'native', (x) => x.name.startsWith('bigs large L=512'));
  out.push({
    what: 'train-step: BiGS-large L=512 step (batch 2 = 1 × 2 accumulated): peak RSS on native',
    target: `≤ ${RSS_TARGET_GIB} GiB`,
    measured: ok(l512)
      ? `${gib(l512.peakRssBytes ?? 0)} (${f(l512.tokensPerSec ?? 0, 1)} tok/s, MFU ${f(100 * (l512.roofRatio ?? Number.NaN), 1)} %)`
      : l512
        ? `${l512.note}`
        : '—',
    status: ok(l512)
      ? (l512.peakRssBytes ?? Number.POSITIVE_INFINITY) <= RSS_TARGET_GIB * 2 ** 30
        ? 'met'
        : 'MISSED'
      : l512
        ? 'failed'
        : 'not measured',
  });
  const inf = find('train-step', 'native', (x) => x.name.startsWith('bigs large inference'));
  const infW = find('train-step', 'wasm-mt', (x) => x.name.startsWith('bigs large inference'));
  let infStatus: Status = 'not measured';
  let infMeasured = '—';
  if (ok(inf) && ok(infW)) {
    const speedup = infW.medianMs / inf.medianMs;
    infMeasured = `${f(speedup)}× (native ${f(inf.medianMs, 0)} ms, peak RSS ${gib(inf.peakRssBytes ?? 0)}; wasm-mt ${f(infW.medianMs, 0)} ms)`;
    infStatus = speedup >= INFER_SPEEDUP_TARGET ? 'met' : 'MISSED';
  } else if (ok(inf) && infW) {
    infMeasured = `native ${f(inf.medianMs, 0)} ms; wasm-mt did not finish: ${infW.note ?? ''}`;
    infStatus = 'failed';
  } else if (ok(inf)) {
    infMeasured = `native ${f(inf.medianMs, 0)} ms; wasm-mt not in this run`;
  } else if (inf) {
    infMeasured = `native: ${inf.note ?? ''}`;
    infStatus = 'failed';
  }
  out.push({
    what: 'train-step: BiGS-large inference (forward, B=1, L=512), native vs wasm-mt',
    target: `≥ ${INFER_SPEEDUP_TARGET}× faster`,
    measured: infMeasured,
    status: infStatus,
  });

  // long-conv: per-token time L=4096 vs L=512 on native.
  const perTok = rows.filter(
    (r) =>
      r.suite === 'long-conv' &&
      r.backend === 'native' &&
      r.name.includes('per-token') &&
      r.ratio !== undefined,
  );
  out.push({
    what: 'long-conv: time per token at L=4096 vs L=512 on native (B·H = 8·768)',
    target: 'report (≈ 1 = linear in L)',
    measured:
      perTok.length > 0
        ? perTok.map((r) => `${r.name.replace(/ per-token.*/, '')} ${r.pass} ${f(r.ratio!)}×`).join(', ')
        : '—',
    status: perTok.length > 0 ? 'report' : 'not measured',
  });
  return out;
}

/** The targets as a markdown table. */
export function targetsMarkdown(rows: BenchRow[]): string {
  const lines = ['| what | target | measured | status |', '|---|---|---|---|'];
  for (const t of targets(rows)) lines.push(`| ${t.what} | ${t.target} | ${t.measured} | ${t.status} |`);
  return lines.join('\n');
}

/** Replaces the block between the `bench-targets` markers of `readme` with the table of `results`. */
export async function updateReadme(readme: string, results: Results): Promise<void> {
  const text = await readFile(readme, 'utf8');
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  if (b < 0 || e < b) throw new Error(`report: ${readme} has no ${BEGIN} … ${END} block`);
  const m = results.meta;
  const head =
    `${BEGIN} (generated by src/report.ts from results/latest.json; do not edit by hand) -->\n\n` +
    `From the run of ${String(m.date)}${m.quick ? ' (--quick)' : ''}: ${String(m.cpu)}, ${String(m.cores)} cores, ` +
    `engines ${((m.backends as string[] | undefined) ?? []).join(', ') || 'none'}, PyTorch ${m.torch ? 'yes' : 'no'}.\n\n`;
  const block = `${head}${targetsMarkdown(results.rows)}\n\n`;
  await writeFileAtomic(readme, `${text.slice(0, b)}${block}${text.slice(e)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv.slice(2).find((a) => a !== '--') ?? LATEST;
  const results = JSON.parse(await readFile(file, 'utf8')) as Results;
  await updateReadme(README, results);
  console.log(targetsMarkdown(results.rows));
  console.error(
    `[report] filled ${path.relative(process.cwd(), README)} from ${path.relative(process.cwd(), file)}`,
  );
}
