/**
 * Benchmark runner: `pnpm bench [--quick] [--suite NAME[,NAME]] [--backend NAME[,NAME]]`.
 *
 * The wasm module and its thread count are process-wide, so each backend (cpu, wasm, wasm-mt, native with all
 * cores, and tensorflow / tensorflow-gpu when tfjs-node is installed) runs all suites in its own child process;
 * the PyTorch reference rows run in one more child. Rows are merged and written to
 * `results/bench-<date>.{json,md}` and `results/latest.{json,md}` (temp file + rename); a full (not --quick, all
 * suites) run also refreshes the targets table of tools/bench/README.md (see report.ts).
 */
import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@bigs/models';
import { type EngineVariant, initEngine, listAvailableBackends } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { dataSuite } from './cases/data.js';
import { denseSuite } from './cases/dense.js';
import { gemmSuite } from './cases/gemm.js';
import { longConvSuite } from './cases/long-conv.js';
import { tokenizerSuite } from './cases/tokenizer.js';
import { trainStepSuite } from './cases/train-step.js';
import { merge } from './merge.js';
import { README, targetsMarkdown, updateReadme } from './report.js';
import type { BenchContext, BenchRow, BenchSuite } from './types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, '..', 'results');
const ROWS_MARKER = '@@BENCH_ROWS@@';
const VARIANTS: EngineVariant[] = ['cpu', 'wasm', 'wasm-mt', 'native', 'tensorflow', 'tensorflow-gpu'];
const log = (msg: string) => console.error(`[bench] ${msg}`);

interface Args {
  quick: boolean;
  suites: string[] | null;
  backends: string[] | null;
  child: string | null;
  torchPython: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, suites: null, backends: null, child: null, torchPython: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue; // pnpm passes it through
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a.startsWith('--suite')) args.suites = value().split(',');
    else if (a.startsWith('--backend')) args.backends = value().split(',');
    else if (a.startsWith('--child')) args.child = value();
    else if (a.startsWith('--torch-python')) args.torchPython = value();
    else if (a === '--help' || a === '-h') {
      console.log(
        [
          'pnpm bench [--quick] [--suite gemm,long-conv,dense,tokenizer,data,train-step] [--backend cpu,wasm,wasm-mt,native,tensorflow,tensorflow-gpu,torch]',
          '',
          '  --backend  engine children to run (default: all available, then torch). native = @bigs/tfjs-backend-native',
          '             with all cores (OpenBLAS through its C++ addon); torch = the PyTorch reference (/usr/bin/python3).',
          '  --suite    suites (default: all). gemm (sgemm roof: OpenBLAS vs built-in GEMM vs torch.mm) runs on native',
          '             and torch only; dense and train-step quote MFU on native against that measured roof.',
          '  --quick    smaller sizes and fewer runs; no BiGS-large cases.',
          '',
          'Writes tools/bench/results/bench-<date>.{json,md} and latest.{json,md}; see tools/bench/README.md.',
        ].join('\n'),
      );
      process.exit(0);
    } else throw new Error(`bench: unknown argument '${a}' (see --help)`);
  }
  return args;
}

/** Every suite, in table order. */
async function loadSuites(): Promise<BenchSuite[]> {
  return [gemmSuite, longConvSuite, denseSuite, tokenizerSuite, dataSuite, trainStepSuite];
}

/** A python3 that imports torch (pyenv's python3 first on PATH has none; Debian's /usr/bin/python3 may). */
async function detectTorch(): Promise<string | null> {
  for (const py of ['python3', '/usr/bin/python3']) {
    const ok = await new Promise<string | null>((resolve) =>
      execFile(
        py,
        ['-c', 'import torch; print(torch.__version__)'],
        { timeout: 60_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '2' } },
        (err, out) => resolve(err ? null : out.trim()),
      ),
    );
    if (ok !== null) {
      log(`PyTorch ${ok} found at ${py}: reference rows enabled (2 threads)`);
      return py;
    }
  }
  log('PyTorch not found (tried python3, /usr/bin/python3): torch reference rows skipped');
  return null;
}

/** Child mode: initialise one engine variant, run the suites, print the rows as one JSON line. */
async function runChild(args: Args): Promise<void> {
  const variant = args.child!;
  const suites = (await loadSuites()).filter((s) => args.suites === null || args.suites.includes(s.name));
  const rows: BenchRow[] = [];
  let backends: string[] = [];
  if (variant === 'torch') {
    await initEngine({ backend: 'cpu', quiet: true });
  } else {
    const backend = variant.startsWith('wasm')
      ? 'wasm'
      : (variant as 'cpu' | 'native' | 'tensorflow' | 'tensorflow-gpu');
    const threads = variant === 'wasm-mt' || variant === 'native' ? 'auto' : 1;
    const skipAll = (why: string) => {
      for (const s of suites) {
        rows.push({
          suite: s.name,
          name: 'all',
          backend: variant,
          pass: 'fwd',
          params: {},
          medianMs: Number.NaN,
          runsMs: [],
          note: `skipped: ${variant} unavailable (${why})`,
        });
      }
      process.stdout.write(`${ROWS_MARKER}${JSON.stringify(rows)}\n`);
    };
    let info: Awaited<ReturnType<typeof initEngine>>;
    try {
      info = await initEngine({ backend, threads, quiet: true });
    } catch (e) {
      return skipAll((e as Error).message.split('\n')[0]!);
    }
    const blas = info.blas
      ? `, BLAS ${info.blas.name} ${info.blas.path} (${info.blas.threads} thread(s))`
      : '';
    log(
      `${variant}: ${info.variant} ${info.package}@${info.version}, ${info.threads} thread(s)${blas}${info.notes.length ? ` (${info.notes.join('; ')})` : ''}`,
    );
    if (info.variant !== variant) return skipAll(`got ${info.variant}: ${info.notes.join('; ')}`);
    backends = [variant];
  }
  const ctx: BenchContext = { backends, quick: args.quick, torchPython: args.torchPython, log };
  for (const s of suites) {
    try {
      rows.push(...(await s.run(ctx)));
    } catch (e) {
      log(`${s.name} on ${variant} failed: ${(e as Error).stack ?? e}`);
      rows.push({
        suite: s.name,
        name: 'all',
        backend: variant,
        pass: 'fwd',
        params: {},
        medianMs: Number.NaN,
        runsMs: [],
        note: `failed: ${(e as Error).message}`,
      });
    }
  }
  process.stdout.write(`${ROWS_MARKER}${JSON.stringify(rows)}\n`);
  tf.disposeVariables();
}

function spawnChild(variant: string, args: Args, torchPython: string | null): Promise<BenchRow[]> {
  const childArgs = [...process.execArgv, fileURLToPath(import.meta.url), '--child', variant];
  if (args.quick) childArgs.push('--quick');
  if (args.suites) childArgs.push('--suite', args.suites.join(','));
  if (torchPython) childArgs.push('--torch-python', torchPython);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(ROWS_MARKER));
      if (line) return resolve(JSON.parse(line.slice(ROWS_MARKER.length)) as BenchRow[]);
      const note = `failed: child for ${variant} exited with code ${code} and no rows`;
      log(note);
      resolve([
        {
          suite: 'all',
          name: 'all',
          backend: variant,
          pass: 'fwd',
          params: {},
          medianMs: Number.NaN,
          runsMs: [],
          note,
        },
      ]);
    });
  });
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

function markdown(rows: BenchRow[], meta: Record<string, unknown>): string {
  const lines = [
    `# Benchmarks ${meta.date as string}${meta.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${meta.cpu as string}, ${meta.cores as number} cores, Node ${meta.node as string}, tfjs ${meta.tfjs as string}. ` +
      `Backends: ${(meta.backends as string[]).join(', ')}. PyTorch: ${(meta.torch as string | null) ?? 'absent'}.`,
    '',
    '## Targets',
    '',
    targetsMarkdown(rows),
    '',
    '## All rows',
    '',
    '`× roof` = GFLOP/s ÷ the sgemm roof measured by the native child (MFU for train-step rows).',
    '',
    '| suite | case | backend | pass | median ms | GFLOP/s | × roof | ratio to reference | reference / note |',
    '|---|---|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const ref = [r.reference, r.note].filter(Boolean).join('; ');
    lines.push(
      `| ${r.suite} | ${r.name} | ${r.backend} | ${r.pass} | ${fmt(r.medianMs, 1)} | ${fmt(r.gflops, 2)} | ${fmt(r.roofRatio, 2)} | ${fmt(r.ratio, 2)} | ${ref} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child !== null) return runChild(args);

  const available = (await listAvailableBackends())
    .filter((b) => b.available)
    .map((b) => b.variant as string);
  const wanted = args.backends ?? [...VARIANTS, 'torch'];
  const unknown = wanted.filter((b) => b !== 'torch' && !VARIANTS.includes(b as EngineVariant));
  if (unknown.length > 0)
    throw new Error(
      `bench: unknown --backend ${unknown.join(', ')}; use ${[...VARIANTS, 'torch'].join(', ')}`,
    );
  const variants = VARIANTS.filter((v) => wanted.includes(v));
  for (const v of variants) if (!available.includes(v)) log(`skip ${v}: not available in this run`);
  const run = variants.filter((v) => available.includes(v));
  const torch = wanted.includes('torch') ? await detectTorch() : null;

  const rows: BenchRow[] = [];
  for (const v of run) {
    log(`--- ${v} (child process) ---`);
    rows.push(...(await spawnChild(v, args, null)));
  }
  if (torch !== null) {
    log('--- torch reference (child process) ---');
    rows.push(...(await spawnChild('torch', args, torch)));
  }
  const merged = merge(rows, torch !== null);
  const date = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '');
  const meta = {
    date,
    quick: args.quick,
    suites: args.suites,
    backends: run,
    torch,
    node: process.version,
    tfjs: tf.version_core,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
  };
  const json = `${JSON.stringify({ meta, rows: merged }, null, 2)}\n`;
  const md = markdown(merged, meta);
  await writeFileAtomic(path.join(RESULTS, `bench-${date}.json`), json);
  await writeFileAtomic(path.join(RESULTS, `bench-${date}.md`), md);
  await writeFileAtomic(path.join(RESULTS, 'latest.json'), json);
  await writeFileAtomic(path.join(RESULTS, 'latest.md'), md);
  if (!args.quick && args.suites === null) {
    await updateReadme(README, { meta, rows: merged });
    log(`refreshed the targets table of ${path.relative(process.cwd(), README)}`);
  }
  console.log(md);
  log(
    `wrote ${path.relative(process.cwd(), path.join(RESULTS, `bench-${date}.{json,md}`))} and latest.{json,md}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
