/**
 * Fused kernels vs the composite tfjs ops they replace, both on the `native` backend (so the composite
 * gets whatever native elementwise / reduction kernels exist): GELU (tanh and erf) forward + backward on
 * [4096, 3072], LayerNorm forward + backward on [4096, 1024], AdamW on 60M parameters, Σg² on 60M.
 * Run from the package: `npx tsx --conditions=@bigs/source scripts/fused-timing.ts` (BIGS_NATIVE_ADDON
 * may point at a build). Each row: best of `reps` runs, ms.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeInfo } from '../src/index.js';

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

const C = Math.sqrt(2 / Math.PI);
const geluTanh = (x: tf.Tensor) =>
  tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), C)), 1));
const geluErf = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-12))), g), b);
};
const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];

function best(reps: number, f: () => void): number {
  let t = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** Runs f in a tidy (native kernels are synchronous; outputs are not read, so their buffers recycle). */
function timed(reps: number, f: () => tf.Tensor | tf.Tensor[]): number {
  return best(reps, () => {
    tf.tidy(f);
  });
}

async function main(): Promise<void> {
  await tf.setBackend('native');
  const info = nativeInfo();
  console.log(`native: pool threads ${info?.poolThreads}, BLAS ${info?.blas.name}`);
  const rows: Array<[string, number, number]> = [];

  const gx = tf.tensor(rand(4096 * 3072, 1, 3), [4096, 3072]);
  const gdy = tf.tensor(rand(4096 * 3072, 2), [4096, 3072]);
  for (const kind of ['tanh', 'erf'] as const) {
    const comp = kind === 'tanh' ? geluTanh : geluErf;
    const composite = timed(3, () => tf.grad((x: tf.Tensor) => comp(x))(gx, gdy));
    const fused = timed(5, () => {
      const y = run('BigsGelu', { x: gx }, { kind }) as tf.Tensor;
      const dx = run('BigsGeluGrad', { dy: gdy, x: gx }, { kind }) as tf.Tensor;
      return [y, dx];
    });
    rows.push([`GELU-${kind} fwd+bwd [4096,3072]`, composite, fused]);
  }
  tf.dispose([gx, gdy]);

  const lx = tf.tensor(rand(4096 * 1024, 3, 2), [4096, 1024]);
  const ldy = tf.tensor(rand(4096 * 1024, 4), [4096, 1024]);
  const lg = tf.tensor(rand(1024, 5));
  const lb = tf.tensor(rand(1024, 6));
  const lnComposite = timed(3, () => {
    const y = layerNorm(lx, lg, lb);
    const grads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(x, g, b))(
      [lx, lg, lb],
      ldy,
    );
    return [y, ...grads];
  });
  const lnFused = timed(5, () => {
    const y = run('BigsLayerNorm', { x: lx, gamma: lg, beta: lb }, { eps: 1e-12 }) as tf.Tensor;
    const g = run('BigsLayerNormGrad', { dy: ldy, x: lx, gamma: lg }, { eps: 1e-12 }) as tf.Tensor[];
    return [y, ...g];
  });
  rows.push(['LayerNorm fwd+bwd [4096,1024]', lnComposite, lnFused]);
  tf.dispose([lx, ldy, lg, lb]);

  const N = 60_000_000;
  const p = tf.variable(tf.tensor(rand(N, 7), [N]));
  const m = tf.variable(tf.zeros([N]));
  const v = tf.variable(tf.zeros([N]));
  const g = tf.tensor(rand(N, 8, 0.1), [N]);
  const o = { lr: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 0.05 };
  let step = 0;
  const adamComposite = best(2, () => {
    step++;
    const bc1 = 1 - o.beta1 ** step;
    const bc2 = 1 - o.beta2 ** step;
    tf.tidy(() => {
      const mn = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
      const vn = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
      m.assign(mn);
      v.assign(vn);
      let u = tf.div(tf.div(mn, bc1), tf.add(tf.sqrt(tf.div(vn, bc2)), o.eps));
      u = tf.add(u, tf.mul(p, o.weightDecay));
      p.assign(tf.sub(p, tf.mul(u, o.lr)));
    });
  });
  const adamFused = best(5, () => {
    step++;
    (run('BigsAdamW', { param: p, grad: g, m, v }, { ...o, step }) as tf.Tensor).dispose();
  });
  rows.push(['AdamW 60M params', adamComposite, adamFused]);
  const ssComposite = timed(3, () => tf.sum(tf.square(g)));
  const ssFused = timed(5, () => run('BigsSumSquares', { x: g }));
  rows.push(['Σg² 60M', ssComposite, ssFused]);
  tf.dispose([p, m, v, g]);

  console.log('| case | composite on native (ms) | fused (ms) | speed-up |');
  console.log('|---|--:|--:|--:|');
  for (const [name, a, b] of rows)
    console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(1)}× |`);
}

void main();
