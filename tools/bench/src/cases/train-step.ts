/**
 * Training-step benchmark: one full MLM training step (forward + backward + AdamW update) of a BiGS model and of
 * the same-size attention baseline (BERT: STACK + attention), on the backend of this process; a PyTorch row of
 * the same BiGS step (`src/torch/train_step.py`, same block math) when torch is available.
 *
 * Cases: the tiny preset of `pnpm pretrain` (H=128, 2 layers, I=384, V=8192) and a BERT-base-sized BiGS (H=768,
 * 12 layers, I=3072, V=30522), each at L = 128 and 512 with B·L = 2048 tokens (tiny) / 1024 tokens (base).
 * Quick mode: tiny at L = 128 only. The cpu backend runs only in quick mode (tiny, L = 128: tens of seconds per step). On wasm a
 * case whose estimated peak heap exceeds 3 GiB of the 4 GiB cap runs with a smaller batch, or is skipped with a
 * note row (the threaded build hangs instead of failing at the cap).
 *
 * Columns: median ms per step; GFLOP = model FLOPs of the step (6·dense params + conv/attention + head, see
 * apps/pretrain/src/flops.ts); note = tokens/s, MFU against the stated peak of the backend, the BERT ratio.
 * On `native` the MFU is against the sgemm roof measured by the gemm suite in the same child (`roofRatio`), never a
 * stated constant, and the BiGS rows carry the target "step time ≤ 1.0× PyTorch's" (checked by the runner).
 *
 * BiGS-large (`large`: the released model = the `bigs-128` preset of apps/pretrain: 23 GATED layers, H = 1024,
 * I = 3072, V = 30522, N = 64, bissm routing), full mode only, each case in its own process (so that its peak RSS,
 * `process.resourceUsage().maxRSS`, is its own, and a wasm heap exhaustion fails one row, not the bench):
 * - native: a training step at L = 128 with batch 8 = 4 sequences × 2 accumulated micro-batches (tokens/s, peak RSS,
 *   MFU against the roof; PyTorch runs the same step), a step at L = 512 with batch 2 = 1 × 2 (peak RSS, target
 *   ≤ 16 GiB), and inference (forward with all-position logits, B = 1, L = 512);
 * - wasm-mt: the same inference, launched by the native child in a wasm-mt process (it may exhaust the 4 GiB wasm
 *   heap: the row then says how it failed). The native inference row references it (`ratio` = native / wasm-mt
 *   time; target ≤ 0.25, i.e. ≥ 4× faster).
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ForwardContext } from '@bigs/gated-blocks';
import { type BiGSConfig, BiGSForMaskedLM, createConfig } from '@bigs/models';
import { assertWasmHeapBelow, getEngineInfo, initEngine } from '@bigs/ssm-kernels';
import { AdamW, GradientAccumulator } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';
import { ensureRoof } from './gemm.js';

const SUITE = 'train-step';
const MASK_FRACTION = 0.15;
/** Estimated-peak budget on wasm (the heap cap is 4 GiB; measured peaks are ≈ 7× the live tensors). */
const WASM_BUDGET_BYTES = 3 * 2 ** 30;

interface Size {
  label: 'tiny' | 'base' | 'large';
  hidden: number;
  layers: number;
  inter: number;
  vocab: number;
  heads: number;
  /** Tokens per step B·L. */
  tokens: number;
}

const SIZES: Size[] = [
  { label: 'tiny', hidden: 128, layers: 2, inter: 384, vocab: 8192, heads: 4, tokens: 2048 },
  { label: 'base', hidden: 768, layers: 12, inter: 3072, vocab: 30522, heads: 12, tokens: 1024 },
];

/** The released BiGS-large (apps/pretrain preset `bigs-128`, BIGS_LARGE of @bigs/models); tokens: see LARGE_CASES. */
const LARGE: Size = {
  label: 'large',
  hidden: 1024,
  layers: 23,
  inter: 3072,
  vocab: 30522,
  heads: 16,
  tokens: 1024,
};

/** Target of the native BiGS rows against PyTorch's step time (ratio = ours / torch). */
export const TORCH_STEP_TARGET = 1.0;
/** Peak-RSS target of the BiGS-large L = 512 step. */
export const LARGE_RSS_TARGET_BYTES = 16 * 2 ** 30;
/** Target of native BiGS-large inference vs wasm-mt: ratio native / wasm-mt time ≤ 1/4 (≥ 4× faster). */
export const INFER_SPEEDUP_TARGET = 4;

/** A BiGS-large case, run in its own process. `micro` sequences per micro-batch × `accum` micro-batches per step. */
export interface LargeCase {
  kind: 'train' | 'infer';
  L: number;
  micro: number;
  accum: number;
  runs: number;
  warmup: number;
}

/**
 * Run counts are small so that `pnpm bench --backend native,torch` stays well under 30 minutes on 2 cores: the
 * L = 512 step is there for its peak RSS (reached in the warm-up already), the wasm-mt forward takes ~40 s.
 */
const LARGE_CASES: Record<'train128' | 'train512' | 'infer512' | 'infer512wasm', LargeCase> = {
  train128: { kind: 'train', L: 128, micro: 4, accum: 2, runs: 3, warmup: 1 },
  train512: { kind: 'train', L: 512, micro: 1, accum: 2, runs: 1, warmup: 1 },
  infer512: { kind: 'infer', L: 512, micro: 1, accum: 1, runs: 3, warmup: 1 },
  infer512wasm: { kind: 'infer', L: 512, micro: 1, accum: 1, runs: 2, warmup: 1 },
};
/** PyTorch's BiGS-large L = 128 step: 1 warm-up + this many timed. */
const TORCH_LARGE_RUNS = 2;

/**
 * The large cases each engine child runs (full mode only), as [engine variant of the case's process, case]. The
 * native child also runs the wasm-mt inference (in its own wasm-mt process) so that `--backend native,torch`
 * measures the inference ratio; the wasm-mt child does not repeat it.
 */
export const LARGE_FOR: Record<string, Array<[string, LargeCase]>> = {
  native: [
    ['native', LARGE_CASES.train128],
    ['native', LARGE_CASES.train512],
    ['native', LARGE_CASES.infer512],
    ['wasm-mt', LARGE_CASES.infer512wasm],
  ],
};

export const largeName = (c: LargeCase): string =>
  c.kind === 'infer'
    ? `bigs large inference L=${c.L} B=${c.micro}`
    : `bigs large L=${c.L} B=${c.micro * c.accum} (${c.micro}×${c.accum} accum)`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

function configOf(size: Size, arch: 'bigs' | 'bert', seqLength: number): BiGSConfig {
  const common = {
    vocabSize: size.vocab,
    hiddenSize: size.hidden,
    numHiddenLayers: size.layers,
    intermediateSize: size.inter,
    maxPositionEmbeddings: seqLength,
    numSsm: 64,
    numAttentionHeads: size.heads,
  };
  return arch === 'bigs'
    ? createConfig({ ...common, blockArchitecture: 'gated', routing: 'bissm', kernelLength: 'input' })
    : createConfig({
        ...common,
        blockArchitecture: 'stack',
        routing: 'attention',
        preNorm: false,
        blockGelu: 'erf',
        modelType: 'bert',
      });
}

/** Model FLOPs per training token (same formula as `pnpm pretrain`'s MFU). */
export function stepFlopsPerToken(c: BiGSConfig, seqLength: number): number {
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  const dense = c.blockArchitecture === 'gated' ? 4 * H * H + 3 * H * I : 4 * H * H + 2 * H * I;
  const mixing = c.routing === 'attention' ? 4 * seqLength * H : 2 * (seqLength + 1) * H;
  const head = MASK_FRACTION * 2 * (H * H + H * c.vocabSize);
  return 3 * (c.numHiddenLayers * (2 * dense + mixing) + head);
}

/** Rough wasm peak: 16 B/param (param, grad, m, v) + ≈ 330 B per token per intermediate unit per layer. */
function estimatePeakBytes(size: Size, batch: number, seqLength: number): number {
  const params =
    size.layers * (4 * size.hidden ** 2 + 3 * size.hidden * size.inter) +
    (size.vocab + seqLength) * size.hidden;
  return 16 * params + 330 * batch * seqLength * size.inter * size.layers;
}

/** Forward FLOPs per token of inference with logits at every position (2·dense + conv per layer + full head). */
function inferFlopsPerToken(c: BiGSConfig, seqLength: number): number {
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  return (
    c.numHiddenLayers * (2 * (4 * H * H + 3 * H * I) + 2 * (seqLength + 1) * H) +
    2 * (H * H + H * c.vocabSize)
  );
}

function statedPeak(label: string, threads: number): number | null {
  if (label === 'wasm' || label === 'wasm-mt') return 28.5e9 * Math.max(1, threads);
  if (label === 'cpu') return 0.75e9;
  return null;
}

/** Time `runs` full training steps after one warm-up step; returns ms per step. */
function timeSteps(
  config: BiGSConfig,
  batch: number,
  seqLength: number,
  runs: number,
  onWasm: boolean,
): number[] {
  const model = new BiGSForMaskedLM(config, { seed: 1 });
  const opt = new AdamW(model, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 });
  const M = Math.max(1, Math.round(seqLength * MASK_FRACTION));
  const ids = tf.randomUniform([batch, seqLength], 5, config.vocabSize, 'int32', 1); // [B, L]
  const pos = tf.randomUniform([batch, M], 1, seqLength - 1, 'int32', 2); // [B, M]
  const lab = tf.randomUniform([batch, M], 5, config.vocabSize, 'int32', 3); // [B, M]
  const vars = opt.trainableVariables();
  const step = (i: number) => {
    const { value, grads } = tf.variableGrads(
      () =>
        model.forward(
          { inputIds: ids, maskedPositions: pos, maskedLabels: lab },
          { ctx: ForwardContext.train(i) },
        ).loss!,
      vars,
    );
    opt.applyGradients(opt.gradsByParamName(grads), 1e-4);
    value.dataSync();
    tf.dispose(grads);
    value.dispose();
    if (onWasm) assertWasmHeapBelow(0.85);
  };
  try {
    step(0);
    const out: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const t0 = performance.now();
      step(i);
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    tf.dispose([ids, pos, lab]);
    opt.dispose();
    model.dispose();
  }
}

const caseName = (arch: string, size: Size, L: number, B: number) => `${arch} ${size.label} L=${L} B=${B}`;

function noteRow(name: string, backend: string, note: string): BenchRow {
  return { suite: SUITE, name, backend, pass: 'fwd+bwd', params: {}, medianMs: Number.NaN, runsMs: [], note };
}

interface Case {
  size: Size;
  L: number;
  B: number;
}

function casesFor(ctx: BenchContext): Case[] {
  const out: Case[] = [];
  for (const size of ctx.quick ? [SIZES[0]!] : SIZES) {
    for (const L of ctx.quick ? [128] : [128, 512]) out.push({ size, L, B: Math.max(1, size.tokens / L) });
  }
  return out;
}

/** A PyTorch case: `B` sequences per micro-batch, `accum` micro-batches per step. */
interface TorchCase {
  name: string;
  size: Size;
  L: number;
  B: number;
  accum: number;
}

async function torchRows(
  python: string,
  cases: TorchCase[],
  runs: number,
  log: (m: string) => void,
  warmup = 1,
  ownProcess = false,
): Promise<BenchRow[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'train_step.py');
  const cfg = JSON.stringify({
    runs,
    warmup,
    threads: 2,
    cases: cases.map((c) => ({
      name: c.name,
      hidden: c.size.hidden,
      layers: c.size.layers,
      inter: c.size.inter,
      vocab: c.size.vocab,
      seq: c.L,
      batch: c.B,
      accum: c.accum,
      ssm: 64,
      mask_fraction: MASK_FRACTION,
    })),
  });
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        python,
        [script, cfg],
        { env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' }, timeout: 1_800_000 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    return stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { name: string; runsMs: number[]; maxRssKiB?: number })
      .map((r, i): BenchRow => {
        const c = cases[i]!;
        const medianMs = median(r.runsMs);
        const tokens = c.B * c.accum * c.L;
        const flops = stepFlopsPerToken(configOf(c.size, 'bigs', c.L), c.L) * tokens;
        const tps = tokens / (medianMs / 1000);
        // Peak RSS is per process: only meaningful for a case run alone (the large one).
        const rss = ownProcess && r.maxRssKiB ? r.maxRssKiB * 1024 : undefined;
        return {
          suite: SUITE,
          name: r.name,
          backend: 'torch-t2',
          pass: 'fwd+bwd' as const,
          params: {
            H: c.size.hidden,
            layers: c.size.layers,
            I: c.size.inter,
            V: c.size.vocab,
            L: c.L,
            B: c.B * c.accum,
            ...(c.accum > 1 ? { micro: c.B, accum: c.accum } : {}),
          },
          medianMs,
          runsMs: r.runsMs,
          gflop: flops / 1e9,
          gflops: flops / 1e9 / (medianMs / 1000),
          tokensPerSec: tps,
          ...(rss !== undefined ? { peakRssBytes: rss } : {}),
          note:
            `${tps.toFixed(0)} tok/s` +
            (rss !== undefined ? `; peak RSS ${(rss / 2 ** 30).toFixed(2)} GiB` : '') +
            (c.accum > 1 ? `; ${c.B} × ${c.accum} accumulated micro-batches` : '') +
            ' (PyTorch CPU, 2 threads, same BiGS block math, AdamW)',
        };
      });
  } catch (e) {
    log(`train-step: torch reference failed: ${(e as Error).message}`);
    return [noteRow('torch', 'torch-t2', `torch reference failed: ${(e as Error).message.split('\n')[0]}`)];
  }
}

const LARGE_MARKER = '@@LARGE_CASE@@';
const THIS_FILE = fileURLToPath(import.meta.url);

/** What a large-case process reports. */
interface LargeResult {
  ok: boolean;
  error?: string;
  runsMs: number[];
  maxRssKiB: number;
  threads: number;
  blas?: string;
}

/** In the large-case process: set up the engine, build BiGS-large, time the case. */
async function runLargeCase(variant: string, c: LargeCase): Promise<LargeResult> {
  const info = await initEngine({
    backend: variant === 'native' ? 'native' : 'wasm',
    threads: 'auto',
    quiet: true,
  });
  if (info.variant !== variant)
    throw new Error(`${variant} unavailable (got ${info.variant}: ${info.notes.join('; ')})`);
  const onWasm = info.backend === 'wasm';
  const config = configOf(LARGE, 'bigs', c.L);
  const model = new BiGSForMaskedLM(config, { seed: 1 });
  const out: number[] = [];
  const time = (fn: (i: number) => void) => {
    for (let i = 0; i < c.warmup; i++) fn(i);
    for (let i = 0; i < c.runs; i++) {
      const t0 = performance.now();
      fn(c.warmup + i);
      out.push(performance.now() - t0);
    }
  };
  if (c.kind === 'infer') {
    const ids = tf.randomUniform([c.micro, c.L], 5, config.vocabSize, 'int32', 1); // [B, L]
    time(() => {
      tf.tidy(() => {
        const logits = model.forward({ inputIds: ids }, { ctx: ForwardContext.eval() }).logits; // [B, L, V]
        logits.dataSync();
      });
      if (onWasm) assertWasmHeapBelow(0.85);
    });
    ids.dispose();
  } else {
    const opt = new AdamW(model, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 });
    const vars = opt.trainableVariables();
    const M = Math.max(1, Math.round(c.L * MASK_FRACTION));
    const micro = Array.from({ length: c.accum }, (_, m) => ({
      inputIds: tf.randomUniform([c.micro, c.L], 5, config.vocabSize, 'int32', 10 + m), // [b, L]
      maskedPositions: tf.randomUniform([c.micro, M], 1, c.L - 1, 'int32', 20 + m), // [b, M]
      maskedLabels: tf.randomUniform([c.micro, M], 5, config.vocabSize, 'int32', 30 + m), // [b, M]
    }));
    time((i) => {
      const acc = new GradientAccumulator();
      for (let m = 0; m < c.accum; m++) {
        const { value, grads } = tf.variableGrads(
          () => model.forward(micro[m]!, { ctx: ForwardContext.train(i * c.accum + m) }).loss!,
          vars,
        );
        acc.add(opt.gradsByParamName(grads));
        value.dataSync();
        value.dispose();
        if (onWasm) assertWasmHeapBelow(0.85);
      }
      const mean = acc.takeMean();
      opt.applyGradients(mean, 1e-4);
      tf.dispose(Object.values(mean));
    });
    for (const b of micro) tf.dispose([b.inputIds, b.maskedPositions, b.maskedLabels]);
    opt.dispose();
  }
  model.dispose();
  return {
    ok: true,
    runsMs: out,
    maxRssKiB: process.resourceUsage().maxRSS,
    threads: info.threads,
    blas: info.blas ? `${info.blas.name}, ${info.blas.threads} thread(s)` : undefined,
  };
}

/** Runs one large case in a new process (same loader flags as this one); never throws. */
function spawnLargeCase(variant: string, c: LargeCase, timeoutMs: number): Promise<LargeResult> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      [...process.execArgv, THIS_FILE, '--large-case', JSON.stringify({ variant, c })],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(LARGE_MARKER));
      if (line) return resolve(JSON.parse(line.slice(LARGE_MARKER.length)) as LargeResult);
      const lastErr = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /error|abort|memory|heap|killed/i.test(l))
        .slice(-1)[0];
      const why = timedOut
        ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s and was killed`
        : `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
      resolve({
        ok: false,
        error: `${why}${lastErr ? `: ${lastErr.slice(0, 300)}` : ''}`,
        runsMs: [],
        maxRssKiB: 0,
        threads: 0,
      });
    });
  });
}

/** The rows of the large cases of one engine variant (each case in its own process). */
export async function largeRows(
  ctx: BenchContext,
  label: string,
  roof: number | null,
  peak: number | null,
): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const config = (L: number) => configOf(LARGE, 'bigs', L);
  for (const [variant, c] of LARGE_FOR[label] ?? []) {
    const name = largeName(c);
    const tokens = c.micro * c.accum * c.L;
    const pass = c.kind === 'infer' ? ('fwd' as const) : ('fwd+bwd' as const);
    const params: BenchRow['params'] = {
      H: LARGE.hidden,
      layers: LARGE.layers,
      I: LARGE.inter,
      V: LARGE.vocab,
      L: c.L,
      B: c.micro * c.accum,
      ...(c.accum > 1 ? { micro: c.micro, accum: c.accum } : {}),
    };
    ctx.log(`train-step: ${variant} ${name} (own process, ${c.warmup} warm-up + ${c.runs} timed)`);
    // Generous limits: a hung wasm-mt process (heap exhaustion with threads) must not stall the bench.
    const timeoutMs = c.kind === 'infer' ? 600_000 : 1_800_000;
    const r = await spawnLargeCase(variant, c, timeoutMs);
    const base: BenchRow = {
      suite: SUITE,
      name,
      backend: variant,
      pass,
      params,
      medianMs: Number.NaN,
      runsMs: [],
    };
    if (c.kind === 'infer' && variant === 'native') {
      base.reference = `${name} ${pass}`;
      base.referenceBackend = 'wasm-mt';
      base.targetMaxRatio = 1 / INFER_SPEEDUP_TARGET;
    }
    if (!r.ok) {
      const heap = variant.startsWith('wasm') ? ' (the wasm heap is capped at 4 GiB)' : '';
      out.push({ ...base, note: `failed, measured: ${r.error}${heap}` });
      continue;
    }
    const medianMs = median(r.runsMs);
    const flops =
      (c.kind === 'infer' ? inferFlopsPerToken(config(c.L), c.L) : stepFlopsPerToken(config(c.L), c.L)) *
      tokens;
    const gflops = flops / 1e9 / (medianMs / 1000);
    const tps = tokens / (medianMs / 1000);
    const rss = r.maxRssKiB * 1024;
    const row: BenchRow = {
      ...base,
      medianMs,
      runsMs: r.runsMs,
      gflop: flops / 1e9,
      gflops,
      tokensPerSec: tps,
      peakRssBytes: rss,
    };
    const parts = [`${tps.toFixed(1)} tok/s`, `peak RSS ${(rss / 2 ** 30).toFixed(2)} GiB`];
    if (roof !== null) {
      row.roofGflops = roof;
      row.roofRatio = gflops / roof;
      parts.push(
        `MFU ${(100 * row.roofRatio).toFixed(1)} % of the measured sgemm roof ${roof.toFixed(1)} GFLOP/s`,
      );
    } else if (peak !== null) {
      parts.push(
        `MFU ${((100 * gflops * 1e9) / peak).toFixed(1)} % of the stated ${(peak / 1e9).toFixed(1)} GFLOP/s`,
      );
    }
    if (c.accum > 1) parts.push(`${c.micro} × ${c.accum} accumulated micro-batches`);
    if (c.kind === 'train' && c.L === 512) {
      parts.push(
        `target peak RSS ≤ ${LARGE_RSS_TARGET_BYTES / 2 ** 30} GiB: ${rss <= LARGE_RSS_TARGET_BYTES ? 'met' : 'MISSED'}`,
      );
    }
    parts.push(`${r.threads} thread(s)${r.blas ? `, BLAS ${r.blas}` : ''}`);
    if (variant !== label) parts.push(`run from the ${label} child`);
    row.note = `${parts.join('; ')} (${c.kind === 'infer' ? 'forward, logits at all positions' : 'step = fwd + bwd + AdamW'})`;
    out.push(row);
  }
  return out;
}

export const trainStepSuite: BenchSuite = {
  name: SUITE,
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const runs = ctx.quick ? 2 : 3;
    const out: BenchRow[] = [];
    for (const label of ctx.backends) {
      const tfName = label.startsWith('wasm') ? 'wasm' : label;
      if (tf.getBackend() !== tfName && !(await tf.setBackend(tfName))) {
        out.push(noteRow('all', label, `skipped: backend ${tfName} unavailable`));
        continue;
      }
      const onWasm = tfName === 'wasm';
      const threads = getEngineInfo()?.threads ?? 1;
      const roof = label === 'native' ? (ensureRoof(ctx)?.gflops ?? null) : null;
      const peak = roof !== null ? roof * 1e9 : statedPeak(label, threads);
      const peakName = roof !== null ? 'the measured sgemm roof' : 'the stated';
      for (const c of casesFor(ctx)) {
        if (label === 'cpu' && (c.size.label !== 'tiny' || !ctx.quick)) {
          // The plain-JS cpu backend is 40–100× slower than wasm: one tiny step takes tens of seconds and the
          // base size minutes, so only quick mode measures it (tiny, L = 128).
          out.push(
            noteRow(caseName('bigs', c.size, c.L, c.B), label, 'skipped: cpu backend too slow (see --quick)'),
          );
          continue;
        }
        let B = c.B;
        let reduced = '';
        if (onWasm) {
          while (B > 1 && estimatePeakBytes(c.size, B, c.L) > WASM_BUDGET_BYTES) B = Math.max(1, B >> 1);
          const est = estimatePeakBytes(c.size, B, c.L);
          if (est > WASM_BUDGET_BYTES) {
            out.push(
              noteRow(
                caseName('bigs', c.size, c.L, B),
                label,
                `skipped: estimated peak ${(est / 2 ** 30).toFixed(1)} GiB at B=1 exceeds the 3 GiB budget of the 4 GiB wasm heap`,
              ),
            );
            continue;
          }
          if (B !== c.B) reduced = `batch reduced ${c.B} → ${B} to fit the wasm heap; `;
        }
        const measured: Record<string, number> = {};
        for (const arch of ['bert', 'bigs'] as const) {
          const name = caseName(arch, c.size, c.L, B);
          const config = configOf(c.size, arch, c.L);
          ctx.log(`train-step: ${label} ${name}`);
          try {
            const ms = timeSteps(config, B, c.L, runs, onWasm);
            const medianMs = median(ms);
            const tokens = B * c.L;
            const flops = stepFlopsPerToken(config, c.L) * tokens;
            const tps = tokens / (medianMs / 1000);
            measured[arch] = medianMs;
            const mfu = peak
              ? ` MFU ${((100 * flops) / (medianMs / 1000) / peak).toFixed(1)} % of ${peakName} ${(peak / 1e9).toFixed(1)} GFLOP/s;`
              : '';
            const vsBert =
              arch === 'bigs' && measured.bert
                ? ` BiGS/BERT step time ${(medianMs / measured.bert).toFixed(2)}×`
                : '';
            const gflops = flops / 1e9 / (medianMs / 1000);
            out.push({
              suite: SUITE,
              name,
              backend: label,
              pass: 'fwd+bwd',
              params: {
                H: c.size.hidden,
                layers: c.size.layers,
                I: c.size.inter,
                V: c.size.vocab,
                L: c.L,
                B,
              },
              medianMs,
              runsMs: ms,
              gflop: flops / 1e9,
              gflops,
              tokensPerSec: tps,
              ...(roof !== null ? { roofGflops: roof, roofRatio: gflops / roof } : {}),
              // The native BiGS step against PyTorch's (ratio filled by the runner from the torch child).
              ...(label === 'native' && arch === 'bigs' ? { targetMaxRatio: TORCH_STEP_TARGET } : {}),
              note: `${reduced}${tps.toFixed(0)} tok/s;${mfu}${vsBert} (step = fwd + bwd + AdamW)`,
            });
          } catch (e) {
            out.push(noteRow(name, label, `failed: ${(e as Error).message.split('\n')[0]}`));
          }
        }
      }
      if (LARGE_FOR[label]) {
        if (ctx.quick)
          out.push(
            noteRow('bigs large', label, 'skipped in --quick mode (BiGS-large cases run in full mode only)'),
          );
        else out.push(...(await largeRows(ctx, label, roof, roof === null ? peak : null)));
      }
    }
    if (ctx.torchPython !== null) {
      const small = casesFor(ctx).map((c) => ({
        name: `torch ${caseName('bigs', c.size, c.L, c.B)}`,
        size: c.size,
        L: c.L,
        B: c.B,
        accum: 1,
      }));
      out.push(...(await torchRows(ctx.torchPython, small, runs, ctx.log)));
      if (!ctx.quick) {
        // BiGS-large at L = 128, batch 8 as on native (4 × 2 accumulated), in its own python process (peak RSS).
        const c = LARGE_CASES.train128;
        const large = { name: `torch ${largeName(c)}`, size: LARGE, L: c.L, B: c.micro, accum: c.accum };
        ctx.log(`train-step: torch ${largeName(c)} (own process)`);
        out.push(...(await torchRows(ctx.torchPython, [large], TORCH_LARGE_RUNS, ctx.log, c.warmup, true)));
      }
    }
    return out;
  },
};

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes('--large-case')
) {
  // Large-case process (see spawnLargeCase): one case, one JSON line on stdout, then exit (wasm workers keep it alive).
  const spec = JSON.parse(process.argv[process.argv.indexOf('--large-case') + 1]!) as {
    variant: string;
    c: LargeCase;
  };
  runLargeCase(spec.variant, spec.c)
    .catch((e: unknown): LargeResult => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      return {
        ok: false,
        error: e instanceof Error ? e.message.split('\n')[0] : String(e),
        runsMs: [],
        maxRssKiB: process.resourceUsage().maxRSS,
        threads: 0,
      };
    })
    .then((r) => {
      process.stdout.write(`${LARGE_MARKER}${JSON.stringify(r)}\n`, () => process.exit(0));
    });
}
