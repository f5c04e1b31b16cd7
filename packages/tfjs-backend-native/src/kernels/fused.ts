/**
 * Fused training-step kernels (project kernels, `native` only; float32 only — the ops that call them check
 * the dtype and take their composite path otherwise):
 *
 * - `BigsGelu` {x} attrs {kind: 'tanh' | 'erf'} → y; `BigsGeluGrad` {dy, x} attrs {kind} → dx.
 * - `BigsLayerNorm` {x, gamma, beta} attrs {eps} → y, normalising over the last axis;
 *   `BigsLayerNormGrad` {dy, x, gamma} attrs {eps} → [dx, dgamma, dbeta] (statistics recomputed from x).
 * - `BigsAdamW` {param, grad, m, v} attrs {lr, beta1, beta2, eps, weightDecay, step, gradScale?}: an
 *   OPTIMIZER op that updates `param`, `m` and `v` IN PLACE in their stored typed arrays (no new buffers);
 *   bias corrections are `1 - beta^step` as the trainer computes them. The caller must own those buffers
 *   exclusively (no other tensor sharing the data). Returns a scalar 0 to dispose.
 * - `BigsSumSquares` {x} → scalar Σx² (accumulated in double, rounded to float32 once).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32, sizeOf } from '../kernel-io.js';

/** The addon's fused entry points (csrc/fused.cc). */
export interface FusedAddon {
  geluForward(x: Float32Array, out: Float32Array, erf: boolean): void;
  geluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, erf: boolean): void;
  layerNormForward(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormGrad(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
    stepSize: number,
    gradScale: number,
  ): void;
  sumSquares(x: Float32Array): number;
  /** Test hook: 0 exp, 1 erf, 2 Φ(x) = 0.5·erfc(-x/√2), vectorised as in the kernels. */
  fusedMathProbe(x: Float32Array, out: Float32Array, which: 0 | 1 | 2): void;
}

export interface BigsAdamWAttrs {
  /** Step size: learning rate × the parameter's lr multiplier. */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** The update number t ≥ 1 (bias corrections 1 − β1ᵗ, 1 − β2ᵗ). */
  step: number;
  /** Gradient multiplier applied first (global-norm clipping); default 1. */
  gradScale?: number;
}

const addon = () => requireAddon<FusedAddon>();

function requireF32(kernel: string, inputs: Record<string, TensorInfo | undefined>): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t === undefined) throw new Error(`${kernel}: input '${name}' is missing`);
    if (t.dtype !== 'float32') throw new Error(`${kernel}: input '${name}' must be float32, got ${t.dtype}`);
  }
}

function geluKind(kernel: string, attrs: unknown): boolean {
  const kind = (attrs as { kind?: unknown } | undefined)?.kind;
  if (kind !== 'tanh' && kind !== 'erf')
    throw new Error(`${kernel}: attr kind must be 'tanh' | 'erf', got ${String(kind)}`);
  return kind === 'erf';
}

function rowsCols(kernel: string, x: TensorInfo, gamma: TensorInfo, beta?: TensorInfo): [number, number] {
  const cols = x.shape.length === 0 ? 1 : (x.shape[x.shape.length - 1] as number);
  const rows = cols === 0 ? 0 : sizeOf(x.shape) / cols;
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (t !== undefined && sizeOf(t.shape) !== cols)
      throw new Error(
        `${kernel}: ${name} must have ${cols} values (the last axis of x), got shape [${t.shape}]`,
      );
  }
  return [rows, cols];
}

const gelu: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  requireF32('BigsGelu', { x });
  const erf = geluKind('BigsGelu', attrs);
  const be = backend as NativeBackend;
  const { info, values } = be.makeFloatOutput([...x.shape]);
  if (values.length > 0) addon().geluForward(f32(be, x), values, erf);
  return info;
};

const geluGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  requireF32('BigsGeluGrad', { dy, x });
  if (sizeOf(dy.shape) !== sizeOf(x.shape))
    throw new Error(`BigsGeluGrad: dy shape [${dy.shape}] does not match x shape [${x.shape}]`);
  const erf = geluKind('BigsGeluGrad', attrs);
  const be = backend as NativeBackend;
  const { info, values } = be.makeFloatOutput([...x.shape]);
  if (values.length > 0) addon().geluGrad(f32(be, dy), f32(be, x), values, erf);
  return info;
};

const layerNorm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  requireF32('BigsLayerNorm', { x, gamma, beta });
  const [rows, cols] = rowsCols('BigsLayerNorm', x, gamma, beta);
  const eps = (attrs as { eps: number }).eps;
  const be = backend as NativeBackend;
  const { info, values } = be.makeFloatOutput([...x.shape]);
  if (values.length > 0)
    addon().layerNormForward(f32(be, x), f32(be, gamma), f32(be, beta), values, rows, cols, eps);
  return info;
};

const layerNormGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, gamma } = inputs as { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo };
  requireF32('BigsLayerNormGrad', { dy, x, gamma });
  if (sizeOf(dy.shape) !== sizeOf(x.shape))
    throw new Error(`BigsLayerNormGrad: dy shape [${dy.shape}] does not match x shape [${x.shape}]`);
  const [rows, cols] = rowsCols('BigsLayerNormGrad', x, gamma);
  const eps = (attrs as { eps: number }).eps;
  const be = backend as NativeBackend;
  const dx = be.makeFloatOutput([...x.shape]);
  const dgamma = be.makeFloatOutput([...gamma.shape], true);
  const dbeta = be.makeFloatOutput([...gamma.shape], true);
  if (dx.values.length > 0)
    addon().layerNormGrad(
      f32(be, dy),
      f32(be, x),
      f32(be, gamma),
      dx.values,
      dgamma.values,
      dbeta.values,
      rows,
      cols,
      eps,
    );
  return [dx.info, dgamma.info, dbeta.info];
};

const adamw: KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  requireF32('BigsAdamW', { param, grad, m, v });
  const n = sizeOf(param.shape);
  for (const [name, t] of [
    ['grad', grad],
    ['m', m],
    ['v', v],
  ] as const) {
    if (sizeOf(t.shape) !== n)
      throw new Error(`BigsAdamW: ${name} shape [${t.shape}] does not match param shape [${param.shape}]`);
  }
  const a = attrs as unknown as BigsAdamWAttrs;
  if (!(Number.isInteger(a.step) && a.step >= 1))
    throw new Error(`BigsAdamW: attr step must be an integer >= 1, got ${a.step}`);
  const be = backend as NativeBackend;
  const bc1 = 1 - a.beta1 ** a.step;
  const bc2 = 1 - a.beta2 ** a.step;
  if (n > 0)
    addon().adamw(
      f32(be, param),
      f32(be, grad),
      f32(be, m),
      f32(be, v),
      a.beta1,
      a.beta2,
      a.eps,
      a.weightDecay,
      bc1,
      bc2,
      a.lr,
      a.gradScale ?? 1,
    );
  return be.makeFloatOutput([], true).info;
};

const sumSquares: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  requireF32('BigsSumSquares', { x });
  const be = backend as NativeBackend;
  const s = sizeOf(x.shape) === 0 ? 0 : addon().sumSquares(f32(be, x));
  const out = be.makeFloatOutput([]);
  out.values[0] = s;
  return out.info;
};

export function makeFusedKernels(_cpu: (name: string) => KernelFunc): KernelConfig[] {
  const k = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({
    kernelName,
    backendName: 'native',
    kernelFunc,
  });
  return [
    k('BigsGelu', gelu),
    k('BigsGeluGrad', geluGrad),
    k('BigsLayerNorm', layerNorm),
    k('BigsLayerNormGrad', layerNormGrad),
    k('BigsAdamW', adamw),
    k('BigsSumSquares', sumSquares),
  ];
}
