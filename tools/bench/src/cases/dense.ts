/**
 * Dense benchmark (`dense` of @bigs/ssm-kernels): BERT-base shapes, x [rows, in] · w [in, out] + b, forward
 * and forward+backward, on the backend of this process; tfjs's DEFAULT matMul gradient as an in-run
 * reference (smallest shape only: it is very slow on wasm), and a PyTorch row when torch is available.
 * On `native` also BERT-large shapes (H = 1024, I = 4096, 4096 tokens: 1024→4096, 4096→1024, 1024→1024), whose
 * notes give the achieved GFLOP/s as a fraction of the sgemm roof measured by the gemm suite in the same child
 * (target: fwd+bwd ≥ 0.8× the roof).
 *
 * Reference column: `fwd+bwd` rows are compared with the same backend's `fwd` row (target: within 3×);
 * the default-gradient row with our fwd+bwd row; `fwd` rows with the torch fwd row when torch ran.
 * GFLOP: 2·rows·in·out for fwd, 3× that for fwd+bwd.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dense, installFastMatMulGradient, uninstallFastMatMulGradient } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import type { BenchContext, BenchRow, BenchSuite } from '../types.js';
import { ensureRoof } from './gemm.js';

const SUITE = 'dense';
const DIMS: Array<[number, number]> = [
  [768, 3072],
  [3072, 768],
  [768, 768],
];
/** B·L rows: 8·128 and 8·512. */
const ROWS = [1024, 4096];
/** BERT-large (H = 1024, I = 4096) at B·L = 4096 tokens: native only. */
const LARGE_DIMS: Array<[number, number]> = [
  [1024, 4096],
  [4096, 1024],
  [1024, 1024],
];
const LARGE_ROWS = 4096;
/** Target of the BERT-large fwd+bwd rows on native, as a fraction of the measured sgemm roof. */
export const DENSE_ROOF_TARGET = 0.8;
/** The pure-JS cpu backend runs matmul at ~0.75 GFLOP/s: it gets a small slice. */
const ROWS_CPU = [128];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

const caseName = (rows: number, inD: number, outD: number) => `${rows}x${inD}->${outD}`;
const torchName = (rows: number, inD: number, outD: number) => `torch ${caseName(rows, inD, outD)}`;

function time(fn: () => void, runs: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function row(
  name: string,
  backend: string,
  pass: 'fwd' | 'fwd+bwd',
  params: BenchRow['params'],
  runsMs: number[],
  gflop: number,
  extra: Partial<BenchRow> = {},
): BenchRow {
  const medianMs = median(runsMs);
  return {
    suite: SUITE,
    name,
    backend,
    pass,
    params,
    medianMs,
    runsMs,
    gflop,
    gflops: gflop / (medianMs / 1000),
    ...extra,
  };
}

/** Times fwd and fwd+bwd of one shape on the current backend. */
function measure(rows: number, inD: number, outD: number, runs: number, warmup: number, useDense: boolean) {
  const x = tf.randomNormal([rows, inD], 0, 1, 'float32', 1); // [rows, in]
  const w = tf.randomNormal([inD, outD], 0, 0.05, 'float32', 2); // [in, out]
  const b = tf.randomNormal([outD], 0, 0.1, 'float32', 3); // [out]
  const dy = tf.randomNormal([rows, outD], 0, 1, 'float32', 4); // [rows, out]
  const f = useDense
    ? (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => dense(xx, ww, bb)
    : (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb);
  const fwd = () => {
    const y = f(x, w, b); // [rows, out]
    y.dataSync();
    y.dispose();
  };
  const fwdBwd = () => {
    const gs = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => f(xx, ww, bb))([x, w, b], dy);
    for (const g of gs) g.dataSync();
    tf.dispose(gs);
  };
  try {
    return { fwd: useDense ? time(fwd, runs, warmup) : [], fwdBwd: time(fwdBwd, runs, warmup) };
  } finally {
    tf.dispose([x, w, b, dy]);
  }
}

async function torchRows(
  python: string,
  shapes: number[][],
  runs: number,
  log: (m: string) => void,
): Promise<BenchRow[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'dense.py');
  const cfg = JSON.stringify({ shapes, runs, warmup: 1, threads: 2 });
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        python,
        [script, cfg],
        { env: { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2' }, timeout: 600_000 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    return stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            rows: number;
            in: number;
            out: number;
            pass: 'fwd' | 'fwd+bwd';
            runsMs: number[];
          },
      )
      .map((r) => {
        const g = (2 * r.rows * r.in * r.out * (r.pass === 'fwd' ? 1 : 3)) / 1e9;
        return row(
          torchName(r.rows, r.in, r.out),
          'torch-t2',
          r.pass,
          { rows: r.rows, in: r.in, out: r.out },
          r.runsMs,
          g,
        );
      });
  } catch (e) {
    log(`dense: torch reference failed: ${(e as Error).message}`);
    return [noteRow('torch', 'torch-t2', `torch reference failed: ${(e as Error).message.split('\n')[0]}`)];
  }
}

function noteRow(name: string, backend: string, note: string): BenchRow {
  return { suite: SUITE, name, backend, pass: 'fwd', params: {}, medianMs: Number.NaN, runsMs: [], note };
}

export const denseSuite: BenchSuite = {
  name: SUITE,
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const runs = ctx.quick ? 2 : 5;
    const warmup = 1;
    const out: BenchRow[] = [];
    const shapesFor = (label: string) => {
      const rows = label === 'cpu' ? ROWS_CPU : ctx.quick ? [ROWS[0]!] : ROWS;
      return rows.flatMap((r) => DIMS.map(([i, o]) => [r, i, o] as [number, number, number]));
    };
    const largeShapes = LARGE_DIMS.map(([i, o]) => [LARGE_ROWS, i, o] as [number, number, number]);
    for (const label of ctx.backends) {
      const tfName = label.startsWith('wasm') ? 'wasm' : label;
      if (tf.getBackend() !== tfName && !(await tf.setBackend(tfName))) {
        out.push(noteRow('all', label, `skipped: backend ${tfName} unavailable`));
        continue;
      }
      installFastMatMulGradient();
      const roof = label === 'native' ? ensureRoof(ctx) : null;
      const shapes = label === 'native' ? [...shapesFor(label), ...largeShapes] : shapesFor(label);
      for (const [rows, inD, outD] of shapes) {
        const name = caseName(rows, inD, outD);
        ctx.log(`dense: ${label} ${name}`);
        const params = { rows, in: inD, out: outD };
        const g = (2 * rows * inD * outD) / 1e9;
        const m = measure(rows, inD, outD, runs, warmup, true);
        const fwd = row(name, label, 'fwd', params, m.fwd, g);
        if (ctx.torchPython !== null) fwd.reference = `${torchName(rows, inD, outD)} fwd`;
        out.push(fwd);
        const fb = row(name, label, 'fwd+bwd', params, m.fwdBwd, 3 * g, { reference: `${name} fwd` });
        fb.ratio = fb.medianMs / fwd.medianMs;
        fb.note = fb.ratio <= 3 ? 'target fwd+bwd <= 3x fwd: met' : 'target fwd+bwd <= 3x fwd: MISSED';
        if (roof !== null) {
          const large = rows === LARGE_ROWS && LARGE_DIMS.some(([i, o]) => i === inD && o === outD);
          for (const r of [fwd, fb]) {
            r.roofGflops = roof.gflops;
            r.roofRatio = r.gflops! / roof.gflops;
            if (large) r.params.model = 'BERT-large';
            const vsRoof = `${r.roofRatio.toFixed(2)}× the measured sgemm roof ${roof.gflops.toFixed(1)} GFLOP/s`;
            const target =
              large && r.pass === 'fwd+bwd'
                ? ` (target fwd+bwd ≥ ${DENSE_ROOF_TARGET}× roof: ${r.roofRatio >= DENSE_ROOF_TARGET ? 'met' : 'MISSED'})`
                : '';
            r.note = [r.note, `${vsRoof}${target}`].filter(Boolean).join('; ');
          }
        }
        out.push(fb);
      }
      // tfjs's default BatchMatMul gradient (transposed matMuls): smallest shape only.
      const [rows, inD, outD] = [shapesFor(label)[0]![0], 768, 768];
      const name = caseName(rows, inD, outD);
      ctx.log(`dense: ${label} ${name} with tfjs's default matMul gradient`);
      uninstallFastMatMulGradient();
      try {
        const m = measure(rows, inD, outD, ctx.quick ? 1 : 3, ctx.quick ? 0 : 1, false);
        const ours = out.find((r) => r.backend === label && r.name === name && r.pass === 'fwd+bwd');
        const ref = row(
          `${name} tf.matMul default grad`,
          label,
          'fwd+bwd',
          { rows, in: inD, out: outD },
          m.fwdBwd,
          (6 * rows * inD * outD) / 1e9,
          {
            reference: `${name} fwd+bwd`,
          },
        );
        if (ours) ref.ratio = ref.medianMs / ours.medianMs;
        out.push(ref);
      } finally {
        installFastMatMulGradient();
      }
    }
    if (ctx.torchPython !== null) {
      const shapes = [
        ...(ctx.quick ? [ROWS[0]!] : ROWS).flatMap((r) => DIMS.map(([i, o]) => [r, i, o])),
        ...largeShapes,
      ];
      const t = await torchRows(ctx.torchPython, shapes, runs, ctx.log);
      out.push(...t);
      for (const r of out) {
        if (r.reference?.startsWith('torch ') && r.ratio === undefined) {
          const ref = t.find((x) => `${x.name} ${x.pass}` === r.reference);
          if (ref) r.ratio = r.medianMs / ref.medianMs;
        }
      }
    }
    return out;
  },
};
