/**
 * GEMM benchmark and the machine's sgemm roof, measured in the same run (native child and torch child only).
 *
 * Shapes are BERT-large's (H = 1024, I = 4096) and BiGS-large's (I = 3072) dense layers at M = B·L = 4096 and 1024
 * tokens: the forward `x[M, K] · W[K, N]` (NN), the two gradient products with a transposed operand at M = 4096
 * (`dX = dY · Wᵀ`, NT; `dW = Xᵀ · dY`, TN), and the tied MLM decoder 1024 → 30522 at M = 1024 (`z · Eᵀ`, NT, and its
 * two gradients). Row-major cblas semantics: C[M, N] = op(A) · op(B), GFLOP = 2·M·N·K.
 *
 * On `native` each shape runs through the addon's `gemm` twice: with the BLAS library it found at run time
 * (OpenBLAS) and with its built-in GEMM (`useBuiltinGemm(true)`). The **roof** is the median OpenBLAS GFLOP/s over
 * the shapes; every row carries it (`roofGflops`) and `roofRatio` = GFLOP/s / roof, and other suites of the same
 * child quote MFU against it ({@link ensureRoof}). The torch child times `torch.mm` on the same shapes
 * (`src/torch/gemm.py`), named `torch <name>`, which the runner links to the OpenBLAS rows (ratio = time ours/torch).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeInfo, requireAddon } from '@bigs/tfjs-backend-native';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';

const SUITE = 'gemm';
/** Target of the built-in GEMM, as a fraction of the OpenBLAS roof. */
export const BUILTIN_TARGET = 0.5;

export interface GemmShape {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** What the product is in a model (e.g. `fwd 1024->4096`). */
  what: string;
}

/** Forward (K = in, N = out) pairs of BERT-large / BiGS-large dense layers. */
const LAYERS: Array<[number, number]> = [
  [1024, 1024],
  [1024, 3072],
  [3072, 1024],
  [1024, 4096],
  [4096, 1024],
];
const VOCAB = 30522;

const fwd = (M: number, K: number, N: number): GemmShape => ({
  transA: false,
  transB: false,
  M,
  N,
  K,
  what: `fwd ${K}->${N}`,
});
/** dX[M, K] = dY[M, N] · W[K, N]ᵀ. */
const gradX = (M: number, K: number, N: number): GemmShape => ({
  transA: false,
  transB: true,
  M,
  N: K,
  K: N,
  what: `dX of ${K}->${N}`,
});
/** dW[K, N] = X[M, K]ᵀ · dY[M, N]. */
const gradW = (M: number, K: number, N: number): GemmShape => ({
  transA: true,
  transB: false,
  M: K,
  N,
  K: M,
  what: `dW of ${K}->${N}`,
});

/** The shapes of the suite (quick: M = 1024, three forward shapes and the two gradients of 1024 → 4096). */
export function gemmShapes(quick: boolean): GemmShape[] {
  if (quick) {
    return [
      fwd(1024, 1024, 1024),
      fwd(1024, 1024, 4096),
      fwd(1024, 4096, 1024),
      gradX(1024, 1024, 4096),
      gradW(1024, 1024, 4096),
    ];
  }
  const out: GemmShape[] = [];
  for (const M of [4096, 1024]) for (const [K, N] of LAYERS) out.push(fwd(M, K, N));
  for (const [K, N] of LAYERS) out.push(gradX(4096, K, N), gradW(4096, K, N));
  // Tied decoder at M = 1024 tokens: logits = z[M, H] · E[V, H]ᵀ; dz = dlogits · E; dE = dlogitsᵀ · z.
  out.push(
    { transA: false, transB: true, M: 1024, N: VOCAB, K: 1024, what: `decoder fwd 1024->${VOCAB}` },
    { transA: false, transB: false, M: 1024, N: 1024, K: VOCAB, what: 'decoder dz' },
    { transA: true, transB: false, M: VOCAB, N: 1024, K: 1024, what: 'decoder dE' },
  );
  return out;
}

const opName = (s: GemmShape) => `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
/** Row name of the OpenBLAS row; the built-in row is `built-in <name>`, the torch row `torch <name>`. */
export const gemmName = (s: GemmShape) => `sgemm ${opName(s)} M=${s.M} N=${s.N} K=${s.K}`;
const gflopOf = (s: GemmShape) => (2 * s.M * s.N * s.K) / 1e9;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

/** The roof measured in this process. */
export interface Roof {
  gflops: number;
  /** BLAS library (`openblas`, or `built-in` when none was found) and its file. */
  blas: string;
  path: string;
  threads: number;
  shapes: number;
}

let roof: Roof | null = null;

/** The roof measured in this process so far, or null. */
export function currentRoof(): Roof | null {
  return roof;
}

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    a[i] = ((x >>> 0) / 4294967296 - 0.5) * 0.2;
  }
  return a;
}

/** Times one shape through the addon's `gemm` (whatever GEMM is switched on); ms per call. */
function timeGemm(s: GemmShape, runs: number, warmup: number): number[] {
  const addon = requireAddon();
  const a = filled(s.M * s.K, 1); // op(A) [M, K]: stored [M, K] (lda K) or [K, M] (lda M)
  const b = filled(s.K * s.N, 2); // op(B) [K, N]: stored [K, N] (ldb N) or [N, K] (ldb K)
  const c = new Float32Array(s.M * s.N); // [M, N]
  const lda = s.transA ? s.M : s.K;
  const ldb = s.transB ? s.K : s.N;
  const call = () => addon.gemm(s.transA, s.transB, s.M, s.N, s.K, 1, a, lda, b, ldb, 0, c, s.N);
  for (let i = 0; i < warmup; i++) call();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    call();
    out.push(performance.now() - t0);
  }
  return out;
}

function gemmRow(name: string, backend: string, s: GemmShape, runsMs: number[], note: string): BenchRow {
  const medianMs = median(runsMs);
  const gflop = gflopOf(s);
  return {
    suite: SUITE,
    name,
    backend,
    pass: 'fwd',
    params: { op: opName(s), M: s.M, N: s.N, K: s.K, what: s.what },
    medianMs,
    runsMs,
    gflop,
    gflops: gflop / (medianMs / 1000),
    note,
  };
}

const noteRow = (name: string, backend: string, note: string): BenchRow => ({
  suite: SUITE,
  name,
  backend,
  pass: 'fwd',
  params: {},
  medianMs: Number.NaN,
  runsMs: [],
  note,
});

/**
 * Measures the OpenBLAS rows (and, with `builtin`, the built-in GEMM rows) on the native addon and sets the roof.
 * Returns the rows (OpenBLAS, built-in, then a roof summary row and a built-in summary row).
 */
function measureNative(ctx: BenchContext, builtin: boolean): BenchRow[] {
  const info = nativeInfo();
  if (info === null) throw new Error('gemm: the native addon is not loaded');
  const addon = requireAddon();
  const blas = info.blas;
  const haveBlas = blas.name !== 'built-in';
  const shapes = gemmShapes(ctx.quick);
  const runs = ctx.quick ? 2 : 3;
  const warmup = 1;
  const blasRows: BenchRow[] = [];
  const builtinRows: BenchRow[] = [];
  const blasNote = haveBlas
    ? `${blas.name} ${blas.path}${blas.config ? ` (${blas.config})` : ''}, ${blas.threads} thread(s)`
    : `no BLAS library found (${blas.note || blas.tried.join(', ')}): the roof is the built-in GEMM`;
  for (const s of shapes) {
    ctx.log(`gemm: native ${gemmName(s)} (${s.what})`);
    addon.useBuiltinGemm(false);
    blasRows.push(
      gemmRow(
        gemmName(s),
        'native',
        s,
        timeGemm(s, runs, warmup),
        `${s.what}; ${blas.name}, ${blas.threads} thread(s)`,
      ),
    );
    if (builtin && haveBlas) {
      addon.useBuiltinGemm(true);
      try {
        builtinRows.push(
          gemmRow(
            `built-in ${gemmName(s)}`,
            'native',
            s,
            timeGemm(s, runs, warmup),
            `${s.what}; built-in GEMM, ${info.poolThreads} pool thread(s)`,
          ),
        );
      } finally {
        addon.useBuiltinGemm(false);
      }
    }
  }
  const roofGflops = median(blasRows.map((r) => r.gflops!));
  roof = {
    gflops: roofGflops,
    blas: blas.name,
    path: blas.path,
    threads: blas.threads,
    shapes: shapes.length,
  };
  const out: BenchRow[] = [];
  for (const r of blasRows) {
    r.roofGflops = roofGflops;
    r.roofRatio = r.gflops! / roofGflops;
  }
  for (const r of builtinRows) {
    r.roofGflops = roofGflops;
    r.roofRatio = r.gflops! / roofGflops;
    const blasRow = blasRows.find((x) => x.name === r.name.replace(/^built-in /, ''));
    if (blasRow) {
      r.reference = `${blasRow.name} ${blasRow.pass}`;
      r.ratio = r.medianMs / blasRow.medianMs;
    }
    r.note = `${r.note}; ${r.roofRatio.toFixed(2)}× the roof (target ≥ ${BUILTIN_TARGET}×: ${r.roofRatio >= BUILTIN_TARGET ? 'met' : 'MISSED'})`;
  }
  const roofRow: BenchRow = {
    ...noteRow(
      `sgemm roof (median of ${blasRows.length} ${haveBlas ? blas.name : 'built-in'} shapes)`,
      'native',
      '',
    ),
    params: { blas: blas.name, threads: blas.threads, shapes: blasRows.length },
    gflops: roofGflops,
    roofGflops,
    roofRatio: 1,
    note: `the machine's measured sgemm roof: ${blasNote}; MFU of the dense and train-step rows on native quotes it`,
  };
  out.push(roofRow, ...blasRows);
  if (builtinRows.length > 0) {
    const med = median(builtinRows.map((r) => r.gflops!));
    const worst = Math.min(...builtinRows.map((r) => r.roofRatio!));
    out.push({
      ...noteRow(`built-in sgemm (median of ${builtinRows.length} shapes)`, 'native', ''),
      params: { shapes: builtinRows.length },
      gflops: med,
      roofGflops,
      roofRatio: med / roofGflops,
      note: `median ${(med / roofGflops).toFixed(2)}× the roof, worst shape ${worst.toFixed(2)}× (target ≥ ${BUILTIN_TARGET}×: ${med / roofGflops >= BUILTIN_TARGET ? 'met' : 'MISSED'})`,
    });
    out.push(...builtinRows);
  } else if (builtin) {
    out.push(
      noteRow(
        'built-in sgemm',
        'native',
        'skipped: no BLAS library was found, so the rows above already are the built-in GEMM',
      ),
    );
  }
  ctx.log(`gemm: roof ${roofGflops.toFixed(1)} GFLOP/s (${blasNote})`);
  return out;
}

/**
 * The roof of this process: measured by the gemm suite when it ran before; otherwise measured now (OpenBLAS
 * shapes only, no rows kept). Null unless this process runs the `native` backend.
 */
export function ensureRoof(ctx: BenchContext): Roof | null {
  if (roof !== null) return roof;
  if (!ctx.backends.includes('native') || nativeInfo() === null) return null;
  ctx.log('gemm: measuring the sgemm roof (the gemm suite did not run first in this process)');
  measureNative(ctx, false);
  return roof;
}

async function torchRows(python: string, ctx: BenchContext): Promise<BenchRow[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'gemm.py');
  const shapes = gemmShapes(ctx.quick);
  const cfg = JSON.stringify({
    runs: ctx.quick ? 2 : 3,
    warmup: 1,
    threads: 2,
    shapes: shapes.map((s) => ({ transA: s.transA, transB: s.transB, M: s.M, N: s.N, K: s.K })),
  });
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        python,
        [script, cfg],
        { env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' }, timeout: 900_000 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    const lines = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { i: number; runsMs: number[] });
    return lines.map((r) => {
      const s = shapes[r.i]!;
      return gemmRow(
        `torch ${gemmName(s)}`,
        'torch-t2',
        s,
        r.runsMs,
        `${s.what}; torch.mm (out=), 2 threads`,
      );
    });
  } catch (e) {
    ctx.log(`gemm: torch reference failed: ${(e as Error).message}`);
    return [
      noteRow('torch sgemm', 'torch-t2', `torch reference failed: ${(e as Error).message.split('\n')[0]}`),
    ];
  }
}

export const gemmSuite: BenchSuite = {
  name: SUITE,
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const out: BenchRow[] = [];
    // Only the native child measures (the roof needs the addon); other engine children produce no gemm rows.
    if (ctx.backends.includes('native')) out.push(...measureNative(ctx, true));
    if (ctx.torchPython !== null) out.push(...(await torchRows(ctx.torchPython, ctx)));
    return out;
  },
};
