import { freemem, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';

/**
 * Will this run finish? One estimate, before the first step, of step time, total time and peak memory (used by
 * `pnpm pretrain` and `pnpm finetune`), and its check: a run whose memory cannot fit in the engine is refused, a
 * run of many hours is announced with a warning, and after the first step the measured figures are printed.
 *
 * Memory model (fp32, bytes = 4 × floats), fitted to `tf.profile` peaks of one training micro-batch of BiGS on
 * wasm (1–2 layers, H 64–128, I 128–512, L 64–2048; within ~10 %):
 *
 *   params × (weights 1 + gradients 1 + AdamW moments 2 + accumulated gradients 1 when accumulating
 *             + 4 transient gradient copies during the backward pass)
 * + tokens per micro-batch × (layers × (110·H + 62·I) + 87·H + head floats per token)
 *
 * where the MLM head keeps ≈ 9 × V floats per predicted token (logits, softmax and their gradients). The
 * long-convolution buffers (FFT or Toeplitz) are included in the per-layer term, linear in L up to 4096.
 */

/** What {@link estimateRun} needs. */
export interface RunEstimateInput {
  /** Engine variant (`initEngine`'s `variant`): 'wasm', 'wasm-mt', 'cpu', 'native', 'tfjs-node', … */
  engine: string;
  /** Trainable + frozen parameters (all are held in memory; AdamW moments for all, conservatively). */
  parameters: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  /** Floats the head keeps per input token (MLM: ≈ 9 · V · predicted fraction; a classifier: ≈ 0). */
  headFloatsPerToken?: number;
  batchSize: number;
  seqLength: number;
  gradientAccumulationSteps: number;
  /** Optimizer steps still to run. */
  steps: number;
  /** Training FLOPs per token (forward + backward). */
  flopsPerToken: number;
  /** Peak FLOP/s of the engine (stated or measured). */
  peakFlops: number;
  /** Model FLOPs utilisation assumed before anything is measured. Default 0.3. */
  assumedMfu?: number;
  /** Bytes the engine already holds (tf.memory().numBytes: the weights, data), counted as available on native. */
  heldBytes?: number;
}

/** Result of {@link estimateRun}. */
export interface RunEstimate {
  stepSeconds: number;
  totalSeconds: number;
  steps: number;
  /** Estimated peak memory of a training step (bytes). */
  memoryBytes: number;
  /** What the engine can hold (bytes) and what that limit is, in words. */
  limitBytes: number;
  limitWhat: string;
  assumedMfu: number;
}

/** The wasm32 heap cap of the tfjs wasm builds (4 GiB minus one 64 KiB page). */
export const WASM_HEAP_LIMIT_BYTES = 4294901760;
/** Warn when the estimated run time exceeds this many hours. */
export const LONG_RUN_WARNING_HOURS = 8;

/**
 * What the engine can hold: the wasm heap's 4 GiB for wasm; the machine's free RAM (plus what the engine already
 * holds) for native, cpu and tfjs-node.
 *
 * @example
 * engineMemoryLimit('wasm'); // { bytes: 4294901760, what: "the wasm heap's 4 GiB" }
 */
export function engineMemoryLimit(engine: string, heldBytes = 0): { bytes: number; what: string } {
  if (engine.startsWith('wasm')) return { bytes: WASM_HEAP_LIMIT_BYTES, what: "the wasm heap's 4 GiB" };
  const free = freemem();
  return {
    bytes: free + heldBytes,
    what: `this machine's free RAM (${fmtBytes(free)} of ${fmtBytes(totalmem())})`,
  };
}

/**
 * Estimate a run's step time (FLOP model at an assumed MFU), total time and peak memory.
 *
 * @example
 * estimateRun({ engine: 'wasm', parameters: 110e6, hiddenSize: 768, intermediateSize: 3072, numLayers: 12,
 *   headFloatsPerToken: 9 * 30522 * 0.15, batchSize: 8, seqLength: 4096, gradientAccumulationSteps: 1,
 *   steps: 1000, flopsPerToken: 1e9, peakFlops: 5.7e10 }).memoryBytes; // ≈ 4.5e11 bytes (≫ the 4 GiB heap)
 */
export function estimateRun(i: RunEstimateInput): RunEstimate {
  const mfu = i.assumedMfu ?? 0.3;
  const tokensPerMicro = i.batchSize * i.seqLength;
  const tokensPerStep = tokensPerMicro * i.gradientAccumulationSteps;
  const stepSeconds = (i.flopsPerToken * tokensPerStep) / (i.peakFlops * mfu);
  const paramFloats = i.parameters * (4 + (i.gradientAccumulationSteps > 1 ? 1 : 0) + 4);
  const perToken =
    i.numLayers * (110 * i.hiddenSize + 62 * i.intermediateSize) +
    87 * i.hiddenSize +
    (i.headFloatsPerToken ?? 0);
  const memoryBytes = 4 * (paramFloats + tokensPerMicro * perToken);
  const limit = engineMemoryLimit(i.engine, i.heldBytes ?? 0);
  return {
    stepSeconds,
    totalSeconds: stepSeconds * i.steps,
    steps: i.steps,
    memoryBytes,
    limitBytes: limit.bytes,
    limitWhat: limit.what,
    assumedMfu: mfu,
  };
}

/** Flags to name when a run does not fit (each app passes its own spelling and current values). */
export interface EstimateFlagHints {
  /** e.g. `--per-device-train-batch-size 8`. */
  batchSize: string;
  /** Said after the batch-size flag, e.g. `(raise --gradient-accumulation-steps to keep the effective batch)`. */
  batchSizeNote?: string;
  /** e.g. `--max-seq-length 4096`. */
  seqLength: string;
  /** More advice, e.g. `a smaller --model-config`, `--backend native`. */
  other?: string[];
}

/** Result of {@link checkRunEstimate}: lines to print, and an error (refuse: exit 1) or a warning. */
export interface EstimateCheck {
  lines: string[];
  error: string | null;
  warning: string | null;
}

/**
 * Turn an estimate into what the app prints: an `estimate:` line; an error when the memory cannot fit in the
 * engine (naming the flags to change); a warning when the run takes more than {@link LONG_RUN_WARNING_HOURS}.
 * `BIGS_SKIP_MEMORY_CHECK=1` turns the error into a warning.
 *
 * @example
 * const c = checkRunEstimate(estimateRun(input), { batchSize: '--per-device-train-batch-size 8', seqLength: '--max-seq-length 4096' });
 * if (c.error) { log(c.error); return 1; }
 */
export function checkRunEstimate(e: RunEstimate, hints: EstimateFlagHints): EstimateCheck {
  const lines = [
    `estimate: ~${formatSeconds(e.stepSeconds)}/step, ~${formatSeconds(e.totalSeconds)} for ${e.steps} step(s) ` +
      `(FLOP model at ${Math.round(e.assumedMfu * 100)} % MFU; measured after the first step), peak memory ` +
      `~${fmtBytes(e.memoryBytes)} of ${e.limitWhat}`,
  ];
  let error: string | null = null;
  let warning: string | null = null;
  if (e.memoryBytes > e.limitBytes) {
    const what =
      `the estimated peak memory of a training step, ${fmtBytes(e.memoryBytes)}, exceeds ${e.limitWhat}: ` +
      `lower ${hints.batchSize}${hints.batchSizeNote ? ` ${hints.batchSizeNote}` : ''} or ` +
      `${hints.seqLength}${hints.other?.length ? `, or ${hints.other.join(', or ')}` : ''}`;
    if (process.env.BIGS_SKIP_MEMORY_CHECK === '1')
      warning = `warning: ${what} (BIGS_SKIP_MEMORY_CHECK=1: going on)`;
    else error = what;
  }
  if (e.totalSeconds > LONG_RUN_WARNING_HOURS * 3600) {
    const long =
      `warning: this run is estimated to take ~${formatSeconds(e.totalSeconds)} ` +
      `(~${formatSeconds(e.stepSeconds)} per step); to shorten it lower ${hints.seqLength}, ${hints.batchSize} or ` +
      `--max-steps, or train a smaller model`;
    warning = warning ? `${warning}\n${long}` : long;
  }
  return { lines, error, warning };
}

/**
 * After the first step: the measured time per step and the run's remaining time, and the memory in use;
 * a warning when the measured remaining time exceeds {@link LONG_RUN_WARNING_HOURS}.
 *
 * @example
 * measuredEstimate({ stepSeconds: 12, remainingSteps: 5000, memoryBytes: 2.1e9 });
 * // { line: 'measured: 12.0 s/step → ~16.7 h for the remaining 5000 step(s); memory in use 1.96 GiB', warning: '…' }
 */
export function measuredEstimate(m: {
  stepSeconds: number;
  remainingSteps: number;
  memoryBytes: number | null;
}): {
  line: string;
  warning: string | null;
} {
  const total = m.stepSeconds * m.remainingSteps;
  const line =
    `measured: ${formatSeconds(m.stepSeconds)}/step (first step) → ~${formatSeconds(total)} for the remaining ` +
    `${m.remainingSteps} step(s)${m.memoryBytes !== null ? `; memory in use ${fmtBytes(m.memoryBytes)}` : ''}`;
  const warning =
    total > LONG_RUN_WARNING_HOURS * 3600
      ? `warning: at the measured speed this run needs ~${formatSeconds(total)} more (more than ${LONG_RUN_WARNING_HOURS} h)`
      : null;
  return { line, warning };
}

/** `950 ms`, `12.0 s`, `14 min`, `3.2 h`, `2.5 days`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '∞';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 3 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`;
}

/**
 * Stated fp32 peak FLOP/s of a tfjs engine variant on this project's reference machine (2-core Xeon dev box),
 * from the measured 2-D matmul rates of docs/guide/architecture.md#wasm-engine: XNNPACK reaches ≈ 28.5 GFLOP/s
 * per thread, the pure-JS cpu backend ≈ 0.75 GFLOP/s. `null` for native, tfjs-node and tfjs-node-gpu: their roof is
 * measured at start-up instead (a BLAS-backed matmul, see {@link measurePeakFlops}).
 *
 * @example
 * statedPeakFlops('wasm-mt', 2); // 5.7e10
 */
export function statedPeakFlops(variant: string, threads: number): number | null {
  if (variant === 'wasm' || variant === 'wasm-mt') return 28.5e9 * Math.max(1, threads);
  if (variant === 'cpu') return 0.75e9;
  return null;
}

/**
 * Measure a peak: the best of 5 timed `[n, n] · [n, n]` matmuls (2n³ flops) on the current backend.
 *
 * @example
 * await measurePeakFlops(1024); // e.g. 3e11 on tfjs-node
 */
export async function measurePeakFlops(n = 1024): Promise<number> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1); // [n, n]
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2); // [n, n]
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D); // [n, n]
    await c.data();
    const dt = performance.now() - t0;
    c.dispose();
    if (i > 0) best = Math.min(best, dt);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / (best / 1000);
}
