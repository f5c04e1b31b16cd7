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
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForwardContext } from '@bigs/gated-blocks';
import { type BiGSConfig, BiGSForMaskedLM, createConfig } from '@bigs/models';
import { assertWasmHeapBelow, getEngineInfo } from '@bigs/ssm-kernels';
import { AdamW } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';

const SUITE = 'train-step';
const MASK_FRACTION = 0.15;
/** Estimated-peak budget on wasm (the heap cap is 4 GiB; measured peaks are ≈ 7× the live tensors). */
const WASM_BUDGET_BYTES = 3 * 2 ** 30;

interface Size {
  label: 'tiny' | 'base';
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

async function torchRows(
  python: string,
  cases: Case[],
  runs: number,
  log: (m: string) => void,
): Promise<BenchRow[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'train_step.py');
  const cfg = JSON.stringify({
    runs,
    warmup: 1,
    threads: 2,
    cases: cases.map((c) => ({
      name: `torch ${caseName('bigs', c.size, c.L, c.B)}`,
      hidden: c.size.hidden,
      layers: c.size.layers,
      inter: c.size.inter,
      vocab: c.size.vocab,
      seq: c.L,
      batch: c.B,
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
      .map((l) => JSON.parse(l) as { name: string; runsMs: number[]; note?: string })
      .map((r, i) => {
        const c = cases[i]!;
        const medianMs = median(r.runsMs);
        const flops = stepFlopsPerToken(configOf(c.size, 'bigs', c.L), c.L) * c.B * c.L;
        return {
          suite: SUITE,
          name: r.name,
          backend: 'torch-t2',
          pass: 'fwd+bwd' as const,
          params: { H: c.size.hidden, layers: c.size.layers, L: c.L, B: c.B },
          medianMs,
          runsMs: r.runsMs,
          gflop: flops / 1e9,
          gflops: flops / 1e9 / (medianMs / 1000),
          note: `${((c.B * c.L) / (medianMs / 1000)).toFixed(0)} tok/s (PyTorch CPU, 2 threads, same BiGS block math, AdamW)`,
        };
      });
  } catch (e) {
    log(`train-step: torch reference failed: ${(e as Error).message}`);
    return [noteRow('torch', 'torch-t2', `torch reference failed: ${(e as Error).message.split('\n')[0]}`)];
  }
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
      const peak = statedPeak(label, threads);
      for (const c of casesFor(ctx)) {
        if (label === 'cpu' && (c.size.label !== 'tiny' || !ctx.quick)) {
          // The plain-JS cpu backend is 40–100× slower than wasm: one tiny step takes tens of seconds and the
          // base size minutes, so only quick mode measures it (tiny, L = 128).
          out.push(noteRow(caseName('bigs', c.size, c.L, c.B), label, 'skipped: cpu backend too slow (see --quick)'));
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
              ? ` MFU ${((100 * flops) / (medianMs / 1000) / peak).toFixed(1)} % of ${(peak / 1e9).toFixed(1)} GFLOP/s;`
              : '';
            const vsBert =
              arch === 'bigs' && measured.bert
                ? ` BiGS/BERT step time ${(medianMs / measured.bert).toFixed(2)}×`
                : '';
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
              gflops: flops / 1e9 / (medianMs / 1000),
              note: `${reduced}${tps.toFixed(0)} tok/s;${mfu}${vsBert} (step = fwd + bwd + AdamW)`,
            });
          } catch (e) {
            out.push(noteRow(name, label, `failed: ${(e as Error).message.split('\n')[0]}`));
          }
        }
      }
    }
    if (ctx.torchPython !== null) {
      out.push(...(await torchRows(ctx.torchPython, casesFor(ctx), runs, ctx.log)));
    }
    return out;
  },
};
