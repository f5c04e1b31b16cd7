import type { BigsAdamWAttrs } from '@bigs/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs';

/**
 * Fused training-step ops. Each one runs a fused kernel (`BigsGelu`, `BigsLayerNorm`, `BigsAdamW`,
 * `BigsSumSquares`; registered by `@bigs/tfjs-backend-native` for backend `native`) when the active backend
 * has it and the inputs are float32, and otherwise the composite tfjs code the project always used — on
 * cpu, wasm, webgl and tensorflow the numerics are exactly those of the composite.
 */

/** The two GELU definitions (see `@bigs/gated-blocks` `GeluKind`). */
export type FusedGeluKind = 'tanh' | 'erf';

export const GELU_KERNEL = 'BigsGelu';
export const GELU_GRAD_KERNEL = 'BigsGeluGrad';
export const LAYER_NORM_KERNEL = 'BigsLayerNorm';
export const LAYER_NORM_GRAD_KERNEL = 'BigsLayerNormGrad';
export const ADAMW_KERNEL = 'BigsAdamW';
export const SUM_SQUARES_KERNEL = 'BigsSumSquares';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const SQRT_HALF = Math.SQRT1_2;

/**
 * Whether the active backend has the fused kernel `name` (so the ops above take the fused path).
 * @example
 * hasFusedKernel('BigsGelu'); // true on 'native', false on 'cpu'
 */
export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

let gradientsRegistered = false;

/**
 * Registers the gradients of `BigsGelu` and `BigsLayerNorm` (once; they are global in tfjs). Called by the
 * package's registration module (register-kernels.ts), not by the ops.
 */
export function registerFusedGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  if (tf.getGradient(GELU_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: GELU_KERNEL,
      inputsToSave: ['x'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const [x] = saved;
        return {
          x: () =>
            tf.engine().runKernel(GELU_GRAD_KERNEL, { dy: dy as tf.Tensor, x: x! }, attrs) as tf.Tensor,
        };
      },
    });
  }
  if (tf.getGradient(LAYER_NORM_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: LAYER_NORM_KERNEL,
      inputsToSave: ['x', 'gamma'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const [x, gamma] = saved;
        // Eager, not inside the closures: each closure runs in its own tidy (see vandermonde-op.ts).
        const [dx, dgamma, dbeta] = tf
          .engine()
          .runKernel(
            LAYER_NORM_GRAD_KERNEL,
            { dy: dy as tf.Tensor, x: x!, gamma: gamma! },
            attrs,
          ) as tf.Tensor[];
        return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
      },
    });
  }
}

/**
 * tanh-approximated GELU as composite ops: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 * @example
 * geluTanhComposite(tf.tensor1d([-1, 0, 1])); // [3] ≈ [-0.1588, 0, 0.8412]
 */
export function geluTanhComposite<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const x3 = tf.mul(tf.mul(x, x), x); // [...]
    const inner = tf.mul(tf.add(x, tf.mul(x3, 0.044715)), SQRT_2_OVER_PI); // [...]
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1)) as T; // [...]
  });
}

/**
 * Exact GELU as composite ops: 0.5·x·(1 + erf(x/√2)).
 * @example
 * geluErfComposite(tf.tensor1d([-1, 0, 1])); // [3] ≈ [-0.1587, 0, 0.8413]
 */
export function geluErfComposite<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1)) as T); // [...]
}

/**
 * GELU of `kind`: the fused `BigsGelu` kernel (with its gradient) where the backend has it and x is float32,
 * else {@link geluTanhComposite} / {@link geluErfComposite}.
 * @example
 * fusedGelu(tf.tensor1d([-1, 0, 1]), 'tanh'); // [3] ≈ [-0.1588, 0, 0.8412]
 */
export function fusedGelu<T extends tf.Tensor>(x: T, kind: FusedGeluKind): T {
  if (kind !== 'tanh' && kind !== 'erf') {
    throw new Error(`fusedGelu: kind must be 'tanh' | 'erf', got ${JSON.stringify(kind)}`);
  }
  if (x.dtype === 'float32' && hasFusedKernel(GELU_KERNEL)) {
    return tf.engine().runKernel(GELU_KERNEL, { x }, { kind }) as T;
  }
  return kind === 'tanh' ? geluTanhComposite(x) : geluErfComposite(x);
}

/**
 * LayerNorm over the last axis as composite ops: (x − μ)·rsqrt(σ² + ε)·gamma + beta, σ² the mean of squared
 * deviations.
 * @param x `[..., C]`; @param gamma `[C]`; @param beta `[C]`
 * @example
 * layerNormComposite(tf.randomNormal([2, 8]), tf.ones([8]), tf.zeros([8]), 1e-12); // [2, 8]
 */
export function layerNormComposite<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): T {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true); // [..., 1]
    const xc = tf.sub(x, mean); // [..., C]
    const variance = tf.mean(tf.square(xc), -1, true); // [..., 1]
    const y = tf.mul(xc, tf.rsqrt(tf.add(variance, eps))); // [..., C]
    return tf.add(tf.mul(y, gamma), beta) as T; // [..., C]
  });
}

/**
 * LayerNorm over the last axis: the fused `BigsLayerNorm` kernel (gradients for x, gamma and beta) where the
 * backend has it and every input is float32, else {@link layerNormComposite}.
 * @param x `[..., C]`; @param gamma `[C]`; @param beta `[C]`
 * @example
 * fusedLayerNorm(tf.randomNormal([2, 5, 8]), tf.ones([8]), tf.zeros([8]), 1e-12); // [2, 5, 8]
 */
export function fusedLayerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, eps: number): T {
  const c = x.rank === 0 ? 1 : (x.shape[x.rank - 1] as number);
  if (
    x.rank >= 1 &&
    gamma.size === c &&
    beta.size === c &&
    x.dtype === 'float32' &&
    gamma.dtype === 'float32' &&
    beta.dtype === 'float32' &&
    hasFusedKernel(LAYER_NORM_KERNEL)
  ) {
    return tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { eps }) as T;
  }
  return layerNormComposite(x, gamma, beta, eps);
}

/** Hyper-parameters of one {@link adamwUpdate}: the attributes of the `BigsAdamW` kernel (one definition). */
export type AdamWUpdateOptions = BigsAdamWAttrs;

/** Backend data as MathBackendCPU-derived backends store it (native, cpu). */
interface HostData {
  values?: unknown;
  refCount?: number;
}
type HostStorage = { get(dataId: object): HostData | undefined };
/** The native backend's buffer pool: `owns` is false for arrays handed to user code (`dataSync`) or from it. */
type HostPool = { owns(values: unknown): boolean; acquire(length: number): Float32Array };

/** Stored arrays this module gave to a variable itself, on a backend without a pool. */
const privateArrays = new WeakSet<object>();

/**
 * Makes `v`'s stored array private before an in-place update. It is private when no other tensor shares the
 * data (refCount 1) and, on `native`, the backend's pool still owns the array — so an array that user code
 * read with `dataSync()` / `data()`, or that came from user code (`assign(tf.tensor(userArray))`), is copied
 * first and the in-place update never changes what the user holds.
 */
function makePrivate(v: tf.Variable): void {
  const backend = tf.backend() as unknown as { data?: HostStorage; pool?: HostPool };
  const d = backend.data?.get(v.dataId);
  const values = d?.values;
  if (!(values instanceof Float32Array)) return;
  const alone = (d?.refCount ?? 1) === 1;
  if (alone && (backend.pool !== undefined ? backend.pool.owns(values) : privateArrays.has(values))) return;
  const copy =
    backend.pool !== undefined ? backend.pool.acquire(values.length) : new Float32Array(values.length);
  copy.set(values);
  const t = tf.tensor(copy, v.shape, 'float32');
  v.assign(t);
  t.dispose();
  if (backend.pool === undefined) privateArrays.add(copy);
}

/**
 * One AdamW update of one parameter (optax `adamw` / PyTorch `AdamW`, the trainer's formula):
 *
 * g ← g·gradScale, m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·((m/bc1)/(√(v/bc2) + ε) + wd·p)
 *
 * with bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ. Where the backend has `BigsAdamW` (and all are float32) this is ONE fused
 * pass that updates `param`, `m` and `v` IN PLACE in their stored arrays (an optimizer op); a variable whose
 * data is shared, or whose array user code holds (read by `dataSync`), is first given a private copy, so
 * values the caller read earlier never change. Elsewhere it is the composite tfjs code (`assign` of new tensors). `grad`
 * is not modified or disposed.
 *
 * @example
 * adamwUpdate(p, g, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, step: 1 });
 */
export function adamwUpdate(
  param: tf.Variable,
  grad: tf.Tensor,
  m: tf.Variable,
  v: tf.Variable,
  options: AdamWUpdateOptions,
): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = options;
  const gradScale = options.gradScale ?? 1;
  if (!(Number.isInteger(step) && step >= 1))
    throw new Error(`adamwUpdate: step must be an integer >= 1, got ${step}`);
  for (const [name, t] of [
    ['grad', grad],
    ['m', m],
    ['v', v],
  ] as const) {
    if (!tf.util.arraysEqual(t.shape, param.shape)) {
      throw new Error(
        `adamwUpdate: ${name} has shape [${t.shape}], expected [${param.shape}] (the parameter's)`,
      );
    }
  }
  const allF32 =
    param.dtype === 'float32' && grad.dtype === 'float32' && m.dtype === 'float32' && v.dtype === 'float32';
  if (allF32 && hasFusedKernel(ADAMW_KERNEL)) {
    makePrivate(param);
    makePrivate(m);
    makePrivate(v);
    const done = tf
      .engine()
      .runKernel(
        ADAMW_KERNEL,
        { param, grad, m, v },
        { lr, beta1, beta2, eps, weightDecay, step, gradScale },
      ) as tf.Tensor;
    done.dispose();
    return;
  }
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  tf.tidy(() => {
    const g = gradScale !== 1 ? tf.mul(grad, gradScale) : grad; // [param]
    const mNew = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)); // [param]
    const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)); // [param]
    m.assign(mNew);
    v.assign(vNew);
    let update = tf.div(tf.div(mNew, bc1), tf.add(tf.sqrt(tf.div(vNew, bc2)), eps)); // [param]
    if (weightDecay !== 0) update = tf.add(update, tf.mul(param, weightDecay)); // [param]
    param.assign(tf.sub(param, tf.mul(update, lr))); // [param]
  });
}

/**
 * Σ x² as a float32 scalar: the fused `BigsSumSquares` kernel (one pass, accumulated in double) where the
 * backend has it and x is float32, else `tf.sum(tf.square(x))`.
 * @example
 * sumSquares(tf.tensor1d([3, 4])); // [] = 25
 */
export function sumSquares(x: tf.Tensor): tf.Scalar {
  if (x.dtype === 'float32' && hasFusedKernel(SUM_SQUARES_KERNEL)) {
    return tf.engine().runKernel(SUM_SQUARES_KERNEL, { x }) as tf.Scalar;
  }
  return tf.tidy(() => tf.sum(tf.square(x)) as tf.Scalar);
}
