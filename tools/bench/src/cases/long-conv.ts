/**
 * Long-convolution benchmark (`longConv` of @bigs/ssm-kernels): B·H = 8·768 channels, L = 128 … 4096, each strategy,
 * fwd and fwd+bwd, on each backend of the run; a torch.fft reference row when PyTorch is available.
 *
 * GFLOP is the direct-convolution equivalent: B·H·L·(L+1) for fwd, 3× that for fwd+bwd (du and dk are two more
 * convolutions of the same size).
 *
 * Per-token rows (`<case> per-token L=4096 vs L=512`, every backend including native and torch, full mode only):
 * `ratio` = (ms / token at L = 4096) / (ms / token at L = 512) of the same strategy and pass; ≈ 1 means linear in L.
 *
 * Also runnable on its own to measure the Toeplitz/FFT crossover used by `strategy: 'auto'`:
 *   npx tsx --conditions=@bigs/source tools/bench/src/cases/long-conv.ts --crossover --backends wasm
 * (one backend per process: the wasm thread count is process-wide; `wasm-mt` uses the engine's thread shim).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type ConvStrategy, longConv } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';

const SUITE = 'long-conv';
const B = 8;
const H = 768;
const LENGTHS = [128, 512, 1024, 2048, 4096];
const QUICK_LENGTHS = [128, 512];
/** Toeplitz materialises [L, L] and costs O(L²) per channel: skipped above this length. */
const TOEPLITZ_MAX_L = 2048;
/** The pure-JS cpu matmul runs at ~0.75 GFLOP/s: Toeplitz there is skipped above this length. */
const TOEPLITZ_MAX_L_CPU = 512;
/** tf.spectral on cpu: ~57 s fwd for 6144 channels at L = 128 (probe §5.2), so it runs on a small slice only. */
const SPECTRAL_CPU = { L: 128, B: 1, H: 64 };
const SPECTRAL_MAX_L_TENSORFLOW = 1024;

/** Maps a backend label of the run (e.g. `wasm-mt`) to the tfjs backend name. */
const tfBackendOf = (label: string): string => (label.startsWith('wasm') ? 'wasm' : label);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

interface Case {
  strategy: ConvStrategy;
  perChannel: boolean;
  L: number;
  b: number;
  h: number;
}

/** Times fwd and fwd+bwd of one case; returns the run times in ms. */
async function timeCase(c: Case, runs: number, warmup: number): Promise<{ fwd: number[]; fwdBwd: number[] }> {
  const u = tf.randomNormal([c.b, c.L, c.h], 0, 1, 'float32', 1) as tf.Tensor3D; // [b, L, h]
  const k = tf.randomNormal(c.perChannel ? [c.h, c.L] : [c.L], 0, 0.1, 'float32', 2); // [L] | [h, L]
  const d = tf.ones([1]); // [1]
  const dy = tf.randomNormal([c.b, c.L, c.h], 0, 1, 'float32', 3); // [b, L, h]
  const opts = { strategy: c.strategy, direction: 'causal' as const };
  const fwd = () => {
    const y = longConv(u, k, d, opts); // [b, L, h]
    y.dataSync();
    y.dispose();
  };
  const fwdBwd = () => {
    const gs = tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) => longConv(a, b, e, opts))([u, k, d], dy);
    for (const g of gs) g.dataSync();
    tf.dispose(gs);
  };
  const time = (fn: () => void): number[] => {
    for (let i = 0; i < warmup; i++) fn();
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn();
      out.push(performance.now() - t0);
    }
    return out;
  };
  try {
    return { fwd: time(fwd), fwdBwd: time(fwdBwd) };
  } finally {
    tf.dispose([u, k, d, dy]);
  }
}

function rowsOf(c: Case, backend: string, t: { fwd: number[]; fwdBwd: number[] }): BenchRow[] {
  const gflop = (c.b * c.h * c.L * (c.L + 1)) / 1e9;
  const name = `${c.strategy}${c.perChannel ? ' per-channel' : ''} causal L=${c.L}`;
  const params = { L: c.L, B: c.b, H: c.h, kernel: c.perChannel ? '[H, L]' : '[L]', strategy: c.strategy };
  return (
    [
      ['fwd', t.fwd, gflop],
      ['fwd+bwd', t.fwdBwd, 3 * gflop],
    ] as const
  ).map(([pass, runsMs, g]) => {
    const medianMs = median([...runsMs]);
    return {
      suite: SUITE,
      name,
      backend,
      pass,
      params,
      medianMs,
      runsMs: [...runsMs],
      gflop: g,
      gflops: g / (medianMs / 1000),
    };
  });
}

const torchName = (L: number): string => `torch.fft causal L=${L}`;

/** The per-token comparison of the suite: time per token at PER_TOKEN_LONG vs PER_TOKEN_SHORT. */
const PER_TOKEN_SHORT = 512;
const PER_TOKEN_LONG = 4096;

/** Rows `<case> per-token L=4096 vs L=512` from the measured rows of one backend (both lengths present). */
export function perTokenRows(rows: BenchRow[], backend: string): BenchRow[] {
  const out: BenchRow[] = [];
  const suffix = ` L=${PER_TOKEN_LONG}`;
  for (const long of rows) {
    if (long.backend !== backend || long.params.L !== PER_TOKEN_LONG || !Number.isFinite(long.medianMs))
      continue;
    if (!long.name.endsWith(suffix)) continue;
    const base = long.name.slice(0, -suffix.length);
    const short = rows.find(
      (r) =>
        r.backend === backend &&
        r.pass === long.pass &&
        r.name === `${base} L=${PER_TOKEN_SHORT}` &&
        r.params.B === long.params.B &&
        r.params.H === long.params.H &&
        Number.isFinite(r.medianMs),
    );
    if (!short) continue;
    const tokLong = (long.params.B as number) * PER_TOKEN_LONG;
    const tokShort = (short.params.B as number) * PER_TOKEN_SHORT;
    const usLong = (1000 * long.medianMs) / tokLong;
    const usShort = (1000 * short.medianMs) / tokShort;
    out.push({
      suite: SUITE,
      name: `${base} per-token L=${PER_TOKEN_LONG} vs L=${PER_TOKEN_SHORT}`,
      backend,
      pass: long.pass,
      params: { ...long.params, Lshort: PER_TOKEN_SHORT },
      medianMs: long.medianMs,
      runsMs: long.runsMs,
      gflop: long.gflop,
      gflops: long.gflops,
      reference: `${short.name} ${short.pass} (per token)`,
      ratio: usLong / usShort,
      note: `time per token ${usLong.toFixed(2)} µs at L=${PER_TOKEN_LONG} vs ${usShort.toFixed(2)} µs at L=${PER_TOKEN_SHORT} (B·H = ${long.params.B}·${long.params.H}); ratio ≈ 1: linear in L`,
    });
  }
  return out;
}

const noteRow = (name: string, backend: string, L: number, note: string): BenchRow => ({
  suite: SUITE,
  name,
  backend,
  pass: 'fwd',
  params: { L, B, H },
  medianMs: Number.NaN,
  runsMs: [],
  note,
});

/** Runs the PyTorch reference script; returns rows named `torch.fft causal L=…` (backend `torch-t2`). */
async function torchRows(
  python: string,
  lengths: number[],
  runs: number,
  log: (m: string) => void,
): Promise<BenchRow[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'long_conv.py');
  const args = [
    script,
    '--lengths',
    lengths.join(','),
    '--batch',
    `${B}`,
    '--hidden',
    `${H}`,
    '--threads',
    '2',
    '--runs',
    `${runs}`,
  ];
  try {
    const { stdout } = await promisify(execFile)(python, args, {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' },
      maxBuffer: 1 << 20,
    });
    return stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => {
        const r = JSON.parse(line) as { L: number; pass: 'fwd' | 'fwd+bwd'; runs_ms: number[] };
        const gflop = ((r.pass === 'fwd' ? 1 : 3) * B * H * r.L * (r.L + 1)) / 1e9;
        const medianMs = median(r.runs_ms);
        return {
          suite: SUITE,
          name: torchName(r.L),
          backend: 'torch-t2',
          pass: r.pass,
          params: { L: r.L, B, H, kernel: '[L]', strategy: 'torch.fft' },
          medianMs,
          runsMs: r.runs_ms,
          gflop,
          gflops: gflop / (medianMs / 1000),
        };
      });
  } catch (e) {
    log(`long-conv: torch reference failed: ${(e as Error).message}`);
    return [noteRow('torch.fft causal', 'torch-t2', 0, `torch reference failed: ${(e as Error).message}`)];
  }
}

/** The long-conv benchmark suite. */
export const longConvSuite: BenchSuite = {
  name: SUITE,
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const lengths = ctx.quick ? QUICK_LENGTHS : LENGTHS;
    const runs = ctx.quick ? 1 : 3;
    const warmup = 1;
    const rows: BenchRow[] = [];
    const initial = tf.getBackend();
    for (const label of ctx.backends) {
      const backendName = tfBackendOf(label);
      if (!(await tf.setBackend(backendName))) {
        rows.push(noteRow('all', label, 0, `backend '${backendName}' could not be set`));
        continue;
      }
      await tf.ready();
      const toeplitzMax = backendName === 'cpu' ? TOEPLITZ_MAX_L_CPU : TOEPLITZ_MAX_L;
      for (const L of lengths) {
        const cases: Case[] = [];
        if (L <= toeplitzMax) cases.push({ strategy: 'toeplitz', perChannel: false, L, b: B, h: H });
        else
          rows.push(
            noteRow(
              `toeplitz causal L=${L}`,
              label,
              L,
              `skipped: Toeplitz is O(L²) (limit L ≤ ${toeplitzMax} on ${backendName})`,
            ),
          );
        cases.push({ strategy: 'fft', perChannel: false, L, b: B, h: H });
        cases.push({ strategy: 'fft', perChannel: true, L, b: B, h: H });
        cases.push({ strategy: 'auto', perChannel: false, L, b: B, h: H });
        if (backendName === 'tensorflow' && L <= SPECTRAL_MAX_L_TENSORFLOW) {
          cases.push({ strategy: 'spectral', perChannel: false, L, b: B, h: H });
        } else if (backendName === 'cpu' && L === SPECTRAL_CPU.L) {
          cases.push({ strategy: 'spectral', perChannel: false, L, b: SPECTRAL_CPU.B, h: SPECTRAL_CPU.H });
          rows.push(
            noteRow(
              `spectral causal L=${L}`,
              label,
              L,
              `spectral on cpu measured on B·H = ${SPECTRAL_CPU.B}·${SPECTRAL_CPU.H} only (tf.spectral on cpu is ~2,000× slower than fft.js)`,
            ),
          );
        } else {
          rows.push(
            noteRow(
              `spectral causal L=${L}`,
              label,
              L,
              `skipped: tf.spectral ${backendName === 'cpu' ? 'on cpu is too slow beyond tiny sizes' : `has no FFT kernels on '${backendName}'`}`,
            ),
          );
        }
        if (L <= 128) {
          rows.push(
            noteRow(
              `toeplitz per-channel causal L=${L}`,
              label,
              L,
              'skipped: batched [H, L, L] matmul leaves XNNPACK (~2 GFLOP/s) and auto never picks it',
            ),
          );
        }
        for (const c of cases) {
          ctx.log(`long-conv: ${label} ${c.strategy}${c.perChannel ? ' per-channel' : ''} L=${L}`);
          rows.push(...rowsOf(c, label, await timeCase(c, runs, warmup)));
        }
      }
    }
    if (initial) await tf.setBackend(initial);
    for (const label of ctx.backends) rows.push(...perTokenRows(rows, label));
    // Every full-size row points at the torch.fft row of the same L and pass. The runner runs torch in its own
    // child and fills `ratio` when merging (a reference without a ratio means torch did not run).
    for (const r of rows) {
      if (
        Number.isFinite(r.medianMs) &&
        r.params.B === B &&
        r.params.H === H &&
        r.params.Lshort === undefined
      ) {
        r.reference = `${torchName(r.params.L as number)} ${r.pass}`;
      }
    }
    if (ctx.torchPython !== null) {
      const ref = await torchRows(ctx.torchPython, lengths, runs, ctx.log);
      rows.push(...ref, ...perTokenRows(ref, 'torch-t2'));
      for (const r of rows) {
        const match = ref.find((x) => r.reference === `${x.name} ${x.pass}` && Number.isFinite(x.medianMs));
        if (match && r !== match) r.ratio = r.medianMs / match.medianMs;
      }
    } else {
      rows.push(noteRow('torch.fft causal', 'torch-t2', 0, 'skipped: no python3 with torch'));
    }
    return rows;
  },
};

/**
 * Measures fwd+bwd of toeplitz vs fft (shared kernel, causal, B·H = 8·768) over a grid of L on one backend.
 * The crossover is the largest L where Toeplitz is still faster (0 if FFT wins everywhere).
 */
export async function measureConvCrossover(
  backend: string,
  lengths: number[],
  log: (m: string) => void = console.log,
): Promise<{ crossover: number; table: { L: number; toeplitzMs: number; fftMs: number }[] }> {
  if (!(await tf.setBackend(tfBackendOf(backend))))
    throw new Error(`measureConvCrossover: backend '${backend}' unavailable`);
  await tf.ready();
  const table: { L: number; toeplitzMs: number; fftMs: number }[] = [];
  let crossover = 0;
  for (const L of lengths) {
    const t = await timeCase({ strategy: 'toeplitz', perChannel: false, L, b: B, h: H }, 3, 1);
    const f = await timeCase({ strategy: 'fft', perChannel: false, L, b: B, h: H }, 3, 1);
    const row = { L, toeplitzMs: median(t.fwdBwd), fftMs: median(f.fwdBwd) };
    table.push(row);
    log(
      `${backend} L=${L}: toeplitz fwd+bwd ${row.toeplitzMs.toFixed(1)} ms (fwd ${median(t.fwd).toFixed(1)}), fft fwd+bwd ${row.fftMs.toFixed(1)} ms (fwd ${median(f.fwd).toFixed(1)})`,
    );
    if (row.toeplitzMs < row.fftMs) crossover = L;
  }
  return { crossover, table };
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes('--crossover')
) {
  const i = process.argv.indexOf('--backends');
  const backends = i > 0 ? (process.argv[i + 1] ?? '').split(',') : ['wasm', 'cpu'];
  const grids: Record<string, number[]> = {
    cpu: [8, 16, 32, 64, 128],
    wasm: [64, 128, 192, 256, 384, 512, 768, 1024],
    'wasm-mt': [256, 384, 512, 768, 1024, 1536],
  };
  for (const b of backends) {
    const { crossover } = await measureConvCrossover(b, grids[b] ?? grids.wasm!);
    console.log(`${b}: crossover L = ${crossover}`);
  }
}
