/**
 * Plain-TypeScript float64 reference of the BiGS block computation (docs/guide/architecture.md#bigs-block) and of the STACK block, written
 * independently of the package: literal flips, explicit loops, ZOH kernel evaluated in complex float64.
 * Arrays are row-major Float64Array; a "matrix" is [rows, cols].
 */
import { createRng } from '@bigs/common';
import { type BackendRequest, initEngine, nativeEngineUnavailable } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

/** Switch the tfjs backend for a test (single-threaded wasm for determinism). */
export async function useBackend(backend: Extract<BackendRequest, 'cpu' | 'wasm' | 'native'>): Promise<void> {
  await initEngine({ backend, threads: 1, quiet: true });
  if (tf.getBackend() !== backend) throw new Error(`useBackend: wanted ${backend}, got ${tf.getBackend()}`);
}

/**
 * Every engine a test runs on: cpu, wasm, and native where its addon built (CI sets BIGS_REQUIRE_NATIVE=1
 * so a broken build fails instead of skipping).
 */
export async function testBackends(): Promise<Array<'cpu' | 'wasm' | 'native'>> {
  const reason = await nativeEngineUnavailable();
  if (reason !== null && process.env.BIGS_REQUIRE_NATIVE === '1')
    throw new Error(`native engine required: ${reason}`);
  return reason === null ? ['cpu', 'wasm', 'native'] : ['cpu', 'wasm'];
}

export const f64 = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync() as Float32Array);

/** Deterministic uniform(lo, hi) values (the project's RNG, `createRng`). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + rng.uniform() * (hi - lo);
  return out;
}

/** max |a − b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relErr: lengths ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 1e-30;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** x [M, K] · w [K, N] + b [N]. */
export function denseF(
  x: Float64Array,
  m: number,
  w: Float64Array,
  k: number,
  n: number,
  b?: Float64Array,
): Float64Array {
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = b === undefined ? 0 : b[j]!;
      for (let p = 0; p < k; p++) s += x[i * k + p]! * w[p * n + j]!;
      y[i * n + j] = s;
    }
  return y;
}

export const geluTanhF = (x: number): number =>
  0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

/** erf in float64: Maclaurin series for |x| < 2.5, Lentz continued fraction of erfc beyond. */
export function erfF(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const geluErfF = (x: number): number => 0.5 * x * (1 + erfF(x / Math.SQRT2));

export const map = (x: Float64Array, f: (v: number) => number): Float64Array => x.map(f);
export const mul = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v * b[i]!);
export const add = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v + b[i]!);

/** LayerNorm over rows of x [M, H]. */
export function layerNormF(
  x: Float64Array,
  m: number,
  h: number,
  g: Float64Array,
  b: Float64Array,
  eps: number,
) {
  const y = new Float64Array(m * h);
  for (let i = 0; i < m; i++) {
    let mu = 0;
    for (let j = 0; j < h; j++) mu += x[i * h + j]!;
    mu /= h;
    let v = 0;
    for (let j = 0; j < h; j++) v += (x[i * h + j]! - mu) ** 2;
    v /= h;
    const r = 1 / Math.sqrt(v + eps);
    for (let j = 0; j < h; j++) y[i * h + j] = (x[i * h + j]! - mu) * r * g[j]! + b[j]!;
  }
  return y;
}

/** Reverse the L axis of x [B, L, H]. */
export function flipF(x: Float64Array, B: number, L: number, H: number): Float64Array {
  const y = new Float64Array(B * L * H);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < L; t++)
      for (let c = 0; c < H; c++) y[(b * L + t) * H + c] = x[(b * L + (L - 1 - t)) * H + c]!;
  return y;
}

/** BiGS ZOH kernel in complex float64 (docs/guide/architecture.md#kernel-discretisation): K[l] = Re Σ C_n (e^{ΔA_n} − 1)/A_n e^{lΔA_n}. */
export function zohKernelF(
  aRe: Float64Array,
  aIm: Float64Array,
  c: Float64Array,
  logStep: number,
  L: number,
) {
  const dt = Math.exp(logStep);
  const k = new Float64Array(L);
  for (let n = 0; n < aRe.length; n++) {
    const ar = Math.min(aRe[n]!, -1e-4);
    const ai = aIm[n]!;
    // e^{ΔA} − 1
    const er = Math.exp(dt * ar) * Math.cos(dt * ai) - 1;
    const ei = Math.exp(dt * ar) * Math.sin(dt * ai);
    // (e^{ΔA} − 1)/A
    const den = ar * ar + ai * ai;
    const br = (er * ar + ei * ai) / den;
    const bi = (ei * ar - er * ai) / den;
    // C·B̄
    const cr = c[2 * n]! * br - c[2 * n + 1]! * bi;
    const ci = c[2 * n]! * bi + c[2 * n + 1]! * br;
    for (let l = 0; l < L; l++) {
      const mag = Math.exp(l * dt * ar);
      const ph = l * dt * ai;
      k[l]! += mag * (cr * Math.cos(ph) - ci * Math.sin(ph));
    }
  }
  return k;
}

/** y[b, t, c] = Σ_{s≤t} K[t−s] u[b, s, c] + D u[b, t, c]. */
export function causalConvF(u: Float64Array, B: number, L: number, H: number, k: Float64Array, d: number) {
  const y = new Float64Array(B * L * H);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < L; t++)
      for (let c = 0; c < H; c++) {
        let s = d * u[(b * L + t) * H + c]!;
        for (let j = 0; j <= t; j++) s += k[t - j]! * u[(b * L + j) * H + c]!;
        y[(b * L + t) * H + c] = s;
      }
  return y;
}

/** Host copies of a module's parameters by dotted name. */
export type ParamsF = Map<string, Float64Array>;

export function paramsF(mod: { namedParameters(): Array<[string, { variable: tf.Variable }]> }): ParamsF {
  return new Map(mod.namedParameters().map(([n, p]) => [n, f64(p.variable)]));
}

const get = (p: ParamsF, name: string): Float64Array => {
  const v = p.get(name);
  if (v === undefined)
    throw new Error(`reference: missing parameter ${name}; have ${[...p.keys()].join(', ')}`);
  return v;
};

/** Dense by parameter prefix (`prefix.kernel`, `prefix.bias`) on x [M, in]. */
export function denseP(p: ParamsF, prefix: string, x: Float64Array, m: number, inF: number, outF: number) {
  return denseF(x, m, get(p, `${prefix}.kernel`), inF, outF, get(p, `${prefix}.bias`));
}

/** The `bissm` routing, literal docs/guide/architecture.md#bigs-block with flips. x [B, L, H]. */
export function bissmF(
  p: ParamsF,
  prefix: string,
  x: Float64Array,
  B: number,
  L: number,
  H: number,
  act: (v: number) => number,
): Float64Array {
  const M = B * L;
  const ssm = (name: string, u: Float64Array) => {
    const k = zohKernelF(
      get(p, `${prefix}${name}.A_re`),
      get(p, `${prefix}${name}.A_im`),
      get(p, `${prefix}${name}.C`),
      get(p, `${prefix}${name}.log_step`)[0]!,
      L,
    );
    return causalConvF(u, B, L, H, k, get(p, `${prefix}${name}.D`)[0]!);
  };
  const uF = map(denseP(p, `${prefix}du_forward`, x, M, H, H), act);
  const uB = map(denseP(p, `${prefix}du_backward`, flipF(x, B, L, H), M, H, H), act);
  const cF = denseP(p, `${prefix}duc_forward`, ssm('fs4', uF), M, H, H);
  const cB = flipF(denseP(p, `${prefix}duc_backward`, ssm('bs4', uB), M, H, H), B, L, H);
  return mul(cF, cB);
}

/** Multi-head attention reference with key padding mask (additive −1e4). */
export function attentionF(
  p: ParamsF,
  prefix: string,
  x: Float64Array,
  mask: Float64Array | null,
  B: number,
  L: number,
  H: number,
  nh: number,
): Float64Array {
  const M = B * L;
  const dh = H / nh;
  const q = denseP(p, `${prefix}query`, x, M, H, H);
  const k = denseP(p, `${prefix}key`, x, M, H, H);
  const v = denseP(p, `${prefix}value`, x, M, H, H);
  const ctx = new Float64Array(M * H);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nh; h++)
      for (let i = 0; i < L; i++) {
        const s = new Float64Array(L);
        for (let j = 0; j < L; j++) {
          let dot = 0;
          for (let e = 0; e < dh; e++)
            dot += q[(b * L + i) * H + h * dh + e]! * k[(b * L + j) * H + h * dh + e]!;
          s[j] = dot / Math.sqrt(dh) + (mask === null ? 0 : (1 - mask[b * L + j]!) * -1e4);
        }
        const mx = Math.max(...s);
        const e = s.map((z) => Math.exp(z - mx));
        const z = e.reduce((a, c) => a + c, 0);
        for (let d = 0; d < dh; d++) {
          let acc = 0;
          for (let j = 0; j < L; j++) acc += (e[j]! / z) * v[(b * L + j) * H + h * dh + d]!;
          ctx[(b * L + i) * H + h * dh + d] = acc;
        }
      }
  return denseP(p, `${prefix}output`, ctx, M, H, H);
}

/** GATED block reference (docs/guide/architecture.md#bigs-block): pre-norm h + F(LN h) or post-norm LN(h + F(h)). */
export function gatedBlockF(
  p: ParamsF,
  routing: (x: Float64Array) => Float64Array,
  h: Float64Array,
  B: number,
  L: number,
  H: number,
  I: number,
  act: (v: number) => number,
  preNorm: boolean,
  eps: number,
): Float64Array {
  const M = B * L;
  const ln = (z: Float64Array) =>
    layerNormF(z, M, H, get(p, 'LayerNorm.weight'), get(p, 'LayerNorm.bias'), eps);
  const F = (x: Float64Array) => {
    const v = map(denseP(p, 'dv', x, M, H, I), act);
    const r = routing(x);
    return denseP(p, 'do', mul(map(denseP(p, 'dol', r, M, H, I), act), v), M, I, H);
  };
  return preNorm ? add(h, F(ln(h))) : ln(add(h, F(h)));
}

/** STACK block reference (no dropout): post-norm (BERT) or pre-norm. */
export function stackBlockF(
  p: ParamsF,
  routing: (x: Float64Array) => Float64Array,
  h: Float64Array,
  B: number,
  L: number,
  H: number,
  I: number,
  act: (v: number) => number,
  preNorm: boolean,
  eps: number,
): Float64Array {
  const M = B * L;
  const ln = (name: string, z: Float64Array) =>
    layerNormF(z, M, H, get(p, `${name}.weight`), get(p, `${name}.bias`), eps);
  const ffn = (x: Float64Array) =>
    denseP(p, 'output', map(denseP(p, 'intermediate', x, M, H, I), act), M, I, H);
  if (preNorm) {
    const a = add(h, routing(ln('attention_norm', h)));
    return add(a, ffn(ln('ffn_norm', a)));
  }
  const a = ln('attention_norm', add(h, routing(h)));
  return ln('ffn_norm', add(a, ffn(a)));
}

/** Overwrite every parameter of a module with deterministic uniform values of the given scale (keeps shapes). */
export function randomizeParams(
  mod: { namedParameters(): Array<[string, { variable: tf.Variable }]> },
  seed: number,
  scaleOf: (name: string) => [number, number] | null,
  tfm: typeof tf,
): void {
  mod.namedParameters().forEach(([name, p], i) => {
    const range = scaleOf(name);
    if (range === null) return;
    const [lo, hi] = range;
    const vals = Float32Array.from(uniform(p.variable.size, seed * 1000 + i, lo, hi));
    const t = tfm.tensor(vals, p.variable.shape, 'float32');
    p.variable.assign(t);
    t.dispose();
  });
}
