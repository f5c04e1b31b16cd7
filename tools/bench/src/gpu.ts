/**
 * The `gpu` suite: `pnpm --filter @bigs/bench bench:gpu [--smoke] [--backend webgpu|tensorflow-gpu] [--no-torch]`.
 *
 * One process, meant for one short call on a GPU machine: BiGS-large (23 GATED layers, H = 1024, I = 3072,
 * V = 30522, N = 64, bissm) training steps at L = 128 (B = 8) and L = 512 (B = 2), inference (B = 1, L = 512,
 * logits at every position), and the shared-kernel long convolution at L = 4096 (B = 8, H = 768; `auto`, which
 * is the Toeplitz matmul on webgpu, and the direct WGSL kernel of the `fft` strategy), each beside PyTorch
 * (`src/torch/gpu.py`) on the same GPU when a python3 there imports torch with CUDA. Every timed run ends
 * with an asynchronous read of a scalar, so GPU work is inside the time.
 *
 * `--smoke`: tiny sizes (checks the script end to end, e.g. on SwiftShader; its times mean nothing) and PyTorch
 * on the CPU when there is no CUDA. Results: `results/gpu-<date>.{json,md}` and `results/gpu-latest.{json,md}`,
 * written atomically (--smoke: `<tmpdir>/bigs-bench-gpu-smoke/gpu-smoke-latest.*` only).
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForwardContext } from '@bigs/gated-blocks';
import { type BiGSConfig, BiGSForMaskedLM, createConfig, writeFileAtomic } from '@bigs/models';
import { describeWebgpuAdapter, type EngineInfo, initEngine, longConv } from '@bigs/ssm-kernels';
import { AdamW } from '@bigs/trainer';
import * as tf from '@tensorflow/tfjs';
import type { BenchRow } from './types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, '..', 'results');
const TORCH_SCRIPT = path.join(HERE, 'torch', 'gpu.py');
const MASK_FRACTION = 0.15;
const log = (msg: string) => console.error(`[bench:gpu] ${msg}`);

interface ModelCase {
  name: string;
  hidden: number;
  layers: number;
  inter: number;
  vocab: number;
  ssm: number;
  seq: number;
  batch: number;
}
interface ConvCase {
  name: string;
  L: number;
  B: number;
  H: number;
}
interface Plan {
  runs: number;
  warmup: number;
  train: ModelCase[];
  infer: ModelCase[];
  conv: ConvCase[];
}

const LARGE = { hidden: 1024, layers: 23, inter: 3072, vocab: 30522, ssm: 64 };
const TINY = { hidden: 32, layers: 1, inter: 64, vocab: 512, ssm: 8 };

function planOf(smoke: boolean): Plan {
  const size = smoke ? TINY : LARGE;
  const label = smoke ? 'tiny' : 'BiGS-large';
  const m = (seq: number, batch: number, kind: string): ModelCase => ({
    name: `${label} ${kind} L=${seq} B=${batch}`,
    ...size,
    seq,
    batch,
  });
  const conv = smoke ? { L: 64, B: 2, H: 8 } : { L: 4096, B: 8, H: 768 };
  return {
    runs: smoke ? 1 : 5,
    warmup: smoke ? 1 : 2,
    train: smoke ? [m(16, 2, 'train'), m(32, 2, 'train')] : [m(128, 8, 'train'), m(512, 2, 'train')],
    infer: [smoke ? m(32, 1, 'infer') : m(512, 1, 'infer')],
    conv: [{ name: `long conv shared L=${conv.L} B=${conv.B} H=${conv.H}`, ...conv }],
  };
}

function configOf(c: ModelCase): BiGSConfig {
  return createConfig({
    vocabSize: c.vocab,
    hiddenSize: c.hidden,
    numHiddenLayers: c.layers,
    intermediateSize: c.inter,
    maxPositionEmbeddings: c.seq,
    numSsm: c.ssm,
    blockArchitecture: 'gated',
    routing: 'bissm',
    kernelLength: 'input',
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
};

/** Runs `fn` warmup + runs times; each call's returned scalar is read asynchronously inside the timing. */
async function timeRuns(plan: Plan, fn: (i: number) => tf.Tensor): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < plan.warmup + plan.runs; i++) {
    const t0 = performance.now();
    const s = fn(i);
    await s.data();
    s.dispose();
    if (i >= plan.warmup) out.push(performance.now() - t0);
  }
  return out;
}

async function trainRow(plan: Plan, c: ModelCase, backend: string): Promise<BenchRow> {
  const config = configOf(c);
  const model = new BiGSForMaskedLM(config, { seed: 1 });
  const opt = new AdamW(model, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.05 });
  const M = Math.max(1, Math.round(c.seq * MASK_FRACTION));
  const batch = {
    inputIds: tf.randomUniform([c.batch, c.seq], 5, c.vocab, 'int32', 1), // [B, L]
    maskedPositions: tf.randomUniform([c.batch, M], 1, c.seq - 1, 'int32', 2), // [B, M]
    maskedLabels: tf.randomUniform([c.batch, M], 5, c.vocab, 'int32', 3), // [B, M]
  };
  const vars = opt.trainableVariables();
  try {
    const runsMs = await timeRuns(plan, (i) => {
      const { value, grads } = tf.variableGrads(
        () => model.forward(batch, { ctx: ForwardContext.train(i) }).loss!,
        vars,
      );
      opt.applyGradients(opt.gradsByParamName(grads), 1e-4);
      tf.dispose(grads);
      return value; // [] loss
    });
    return row(c.name, backend, 'fwd+bwd', runsMs, { L: c.seq, B: c.batch }, c.batch * c.seq);
  } finally {
    tf.dispose(Object.values(batch));
    opt.dispose();
    model.dispose();
  }
}

async function inferRow(plan: Plan, c: ModelCase, backend: string): Promise<BenchRow> {
  const model = new BiGSForMaskedLM(configOf(c), { seed: 1 });
  const ids = tf.randomUniform([c.batch, c.seq], 5, c.vocab, 'int32', 1); // [B, L]
  try {
    const runsMs = await timeRuns(plan, () =>
      tf.tidy(() => {
        const logits = model.forward({ inputIds: ids }, { ctx: ForwardContext.eval() }).logits!; // [B, L, V]
        return tf.sum(logits); // [] (reading it waits for the logits)
      }),
    );
    return row(c.name, backend, 'fwd', runsMs, { L: c.seq, B: c.batch }, c.batch * c.seq);
  } finally {
    ids.dispose();
    model.dispose();
  }
}

async function convRows(plan: Plan, c: ConvCase, backend: string): Promise<BenchRow[]> {
  const u = tf.randomNormal([c.B, c.L, c.H], 0, 1, 'float32', 1) as tf.Tensor3D; // [B, L, H]
  const k = tf.randomNormal([c.L], 0, 1, 'float32', 2); // [L]
  const dy = tf.randomNormal([c.B, c.L, c.H], 0, 1, 'float32', 3); // [B, L, H]
  const rows: BenchRow[] = [];
  for (const strategy of ['auto', 'fft'] as const) {
    const name = strategy === 'auto' ? c.name : `${c.name} (direct WGSL, fft strategy)`;
    const conv = (a: tf.Tensor, b: tf.Tensor) => longConv(a, b, undefined, { strategy });
    const fwd = await timeRuns(plan, () => tf.tidy(() => tf.sum(conv(u, k))));
    rows.push(row(name, backend, 'fwd', fwd, { L: c.L, B: c.B, H: c.H, strategy }));
    const bwd = await timeRuns(plan, () =>
      tf.tidy(() => {
        const [du, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([u, k]);
        return tf.add(tf.sum(du!), tf.sum(dk!)); // []
      }),
    );
    rows.push(row(name, backend, 'fwd+bwd', bwd, { L: c.L, B: c.B, H: c.H, strategy }));
  }
  tf.dispose([u, k, dy]);
  return rows;
}

function row(
  name: string,
  backend: string,
  pass: 'fwd' | 'fwd+bwd',
  runsMs: number[],
  params: Record<string, number | string>,
  tokens?: number,
): BenchRow {
  const medianMs = median(runsMs);
  const r: BenchRow = { suite: 'gpu', name, backend, pass, params, medianMs, runsMs };
  if (tokens !== undefined) r.tokensPerSec = tokens / (medianMs / 1000);
  return r;
}

/** A python3 that imports torch, and whether CUDA is there. */
async function detectTorch(): Promise<{ python: string; cuda: boolean } | null> {
  for (const python of ['python3', '/usr/bin/python3']) {
    const out = await new Promise<string | null>((res) =>
      execFile(
        python,
        ['-c', 'import torch; print(torch.cuda.is_available())'],
        { timeout: 120_000 },
        (e, o) => res(e ? null : o.trim()),
      ),
    );
    if (out !== null) return { python, cuda: out === 'True' };
  }
  return null;
}

/** PyTorch rows (`torch-cuda` / `torch-cpu`), or a note why there are none. */
async function torchRows(plan: Plan, smoke: boolean): Promise<{ rows: BenchRow[]; note: string }> {
  const t = await detectTorch();
  if (t === null)
    return { rows: [], note: 'PyTorch is not installed here (python3, /usr/bin/python3): no reference rows' };
  if (!t.cuda && !smoke)
    return { rows: [], note: `PyTorch at ${t.python} has no CUDA here: no reference rows` };
  const device = t.cuda ? 'cuda' : 'cpu';
  const cfg = {
    device,
    runs: plan.runs,
    warmup: plan.warmup,
    train: plan.train.map((c) => ({ ...c, mask_fraction: MASK_FRACTION })),
    infer: plan.infer.map((c) => ({ ...c, mask_fraction: MASK_FRACTION })),
    conv: plan.conv,
  };
  const stdout = await new Promise<string>((res, rej) =>
    execFile(
      t.python,
      [TORCH_SCRIPT, JSON.stringify(cfg)],
      { timeout: 600_000, maxBuffer: 1 << 24 },
      (e, o, se) => (e ? rej(new Error(`${TORCH_SCRIPT} failed: ${e.message}\n${se}`)) : res(o)),
    ),
  );
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const head = lines.shift()!;
  const backend = `torch-${device}`;
  const rows = lines.map((l) => {
    const c = [...plan.train, ...plan.infer].find((x) => x.name === l.name);
    const runsMs = l.runsMs as number[];
    return row(
      l.name as string,
      backend,
      l.pass as 'fwd' | 'fwd+bwd',
      runsMs,
      {},
      c ? c.batch * c.seq : undefined,
    );
  });
  return {
    rows,
    note: `PyTorch ${head.torch as string} on ${device}${head.gpu ? ` (${head.gpu as string})` : ''}`,
  };
}

interface Args {
  smoke: boolean;
  backend: 'webgpu' | 'tensorflow-gpu';
  torch: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { smoke: false, backend: 'webgpu', torch: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--smoke') args.smoke = true;
    else if (a === '--no-torch') args.torch = false;
    else if (a === '--backend' || a.startsWith('--backend=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'webgpu' && v !== 'tensorflow-gpu')
        throw new Error(`bench:gpu: --backend must be webgpu or tensorflow-gpu; got '${v ?? ''}'`);
      args.backend = v;
    } else
      throw new Error(
        `bench:gpu: unknown argument '${a}' (flags: --smoke, --backend webgpu|tensorflow-gpu, --no-torch)`,
      );
  }
  return args;
}

/** Ours / PyTorch's median time for every row with a torch row of the same name and pass. */
function linkTorch(rows: BenchRow[], torch: BenchRow[]): void {
  for (const r of rows) {
    const ref = torch.find((t) => t.name === r.name && t.pass === r.pass);
    if (ref === undefined) continue;
    r.reference = `${ref.backend} ${ref.name} ${ref.pass}`;
    r.ratio = r.medianMs / ref.medianMs;
  }
}

const fmt = (v: number | undefined, d: number) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d);

function markdown(rows: BenchRow[], meta: Record<string, string | boolean>): string {
  const lines = [
    `# GPU bench ${meta.date}${meta.smoke ? ' (smoke: tiny sizes, times mean nothing)' : ''}`,
    '',
    `Engine: ${meta.engine}. Reference: ${meta.torch}.`,
    '',
    '| case | backend | pass | median ms | tokens/s | ours / PyTorch |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.backend} | ${r.pass} | ${fmt(r.medianMs, 1)} | ${fmt(r.tokensPerSec, 0)} | ${fmt(r.ratio, 2)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function engineLine(info: EngineInfo): string {
  const adapter = info.adapter ? `, adapter ${describeWebgpuAdapter(info.adapter)}` : '';
  return `${info.variant} (${info.package}@${info.version}${adapter})`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plan = planOf(args.smoke);
  const info = await initEngine({ backend: args.backend, quiet: true });
  log(`engine: ${engineLine(info)}`);
  if (info.adapter?.software && !args.smoke) log('software adapter: these times are not GPU times');
  const rows: BenchRow[] = [];
  for (const c of plan.train) rows.push(await trainRow(plan, c, info.variant));
  for (const c of plan.infer) rows.push(await inferRow(plan, c, info.variant));
  for (const c of plan.conv) rows.push(...(await convRows(plan, c, info.variant)));
  for (const r of rows) log(`${r.name} ${r.pass}: ${fmt(r.medianMs, 1)} ms`);
  const torch = args.torch
    ? await torchRows(plan, args.smoke)
    : { rows: [], note: 'PyTorch not run (--no-torch)' };
  log(torch.note);
  linkTorch(rows, torch.rows);
  const date = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '');
  const meta = {
    date,
    smoke: args.smoke,
    engine: engineLine(info),
    torch: torch.note,
    node: process.version,
  };
  const all = [...rows, ...torch.rows];
  const json = `${JSON.stringify({ meta, rows: all }, null, 2)}\n`;
  const md = markdown(all, meta);
  // Smoke results are not results: they go to the temp dir, never into results/.
  const dir = args.smoke ? path.join(os.tmpdir(), 'bigs-bench-gpu-smoke') : RESULTS;
  const names = args.smoke ? ['gpu-smoke-latest'] : [`gpu-${date}`, 'gpu-latest'];
  for (const n of names) {
    await writeFileAtomic(path.join(dir, `${n}.json`), json);
    await writeFileAtomic(path.join(dir, `${n}.md`), md);
  }
  console.log(md);
  log(`wrote ${names.map((n) => path.join(dir, `${n}.{json,md}`)).join(' and ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
