/**
 * The Vandermonde custom op (import side effect: registers kernels and gradient for 'cpu' and 'wasm').
 *
 *   K[..., l] = Re Σ_m c[..., m] · z[..., m]^l,   c = cRe + i·cIm,  z = zRe + i·zIm
 *
 * or, with the attribute `logZ` ({@link vandermondeLog}), z = exp(ζ) given ζ = log z (formed in float64
 * inside the kernel; this keeps float32 rounding of z out of the powers z^l).
 *
 * Kernels: `BigsVandermonde` (forward) and `BigsVandermondeGrad` (analytic gradients for c and z), both
 * plain JS with a float64 recurrence w ← w·z. Any other backend ('tensorflow', 'webgl', …) takes an
 * equivalent composition of differentiable tf ops (log|z|, atan2, exp, cos, sin).
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from './params.js';
import { vandermondeBackwardHost, vandermondeForwardHost } from './vandermonde-math.js';

/** Kernel name of the forward op. */
export const VANDERMONDE_KERNEL = 'BigsVandermonde';
/** Kernel name of the gradient op (4 outputs: dcRe, dcIm, dzRe, dzIm). */
export const VANDERMONDE_GRAD_KERNEL = 'BigsVandermondeGrad';
/** Backends for which the JS kernels are registered. */
export const VANDERMONDE_BACKENDS: readonly string[] = ['cpu', 'wasm', 'native'];

type TensorInfo = tf.TensorInfo;
// biome-ignore lint/suspicious/noExplicitAny: backends are duck-typed (cpu / wasm internals differ)
type AnyBackend = any;

function readF32(backend: AnyBackend, t: TensorInfo): ArrayLike<number> {
  if (typeof backend.typedArrayFromHeap === 'function') return backend.typedArrayFromHeap(t); // wasm: heap view
  const d = backend.data?.get?.(t.dataId);
  if (d?.values !== undefined) return d.values; // cpu
  return backend.readSync(t.dataId);
}

function writeF32(backend: AnyBackend, shape: number[], values: Float32Array): TensorInfo {
  if (typeof backend.typedArrayFromHeap === 'function')
    return backend.makeOutput(shape, 'float32', undefined, values);
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** [H, M] view of an input of shape [M] or [H, M]. */
function rowsModes(shape: readonly number[]): [number, number] {
  return shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
}

function forwardKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: AnyBackend;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { cRe, cIm, zRe, zIm } = inputs as Record<string, TensorInfo>;
  const { length, logZ } = attrs as { length: number; logZ: boolean };
  const [h, m] = rowsModes(cRe!.shape);
  const k = vandermondeForwardHost(
    readF32(backend, cRe!),
    readF32(backend, cIm!),
    readF32(backend, zRe!),
    readF32(backend, zIm!),
    h,
    m,
    length,
    logZ,
  ); // [H, L]
  const outShape = cRe!.shape.length === 1 ? [length] : [h, length];
  return writeF32(backend, outShape, Float32Array.from(k));
}

function gradKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: AnyBackend;
  attrs?: tf.NamedAttrMap;
}): TensorInfo[] {
  const { dy, cRe, cIm, zRe, zIm } = inputs as Record<string, TensorInfo>;
  const { length, logZ } = attrs as { length: number; logZ: boolean };
  const [h, m] = rowsModes(cRe!.shape);
  const g = vandermondeBackwardHost(
    readF32(backend, dy!),
    readF32(backend, cRe!),
    readF32(backend, cIm!),
    readF32(backend, zRe!),
    readF32(backend, zIm!),
    h,
    m,
    length,
    logZ,
  ); // 4 × [H, M]
  const shape = cRe!.shape.slice();
  return [
    writeF32(backend, shape, Float32Array.from(g.cRe)),
    writeF32(backend, shape, Float32Array.from(g.cIm)),
    writeF32(backend, shape, Float32Array.from(g.zRe)),
    writeF32(backend, shape, Float32Array.from(g.zIm)),
  ];
}

let registered = false;

/**
 * Registers the Vandermonde JS kernels for 'cpu', 'wasm' and 'native' and the gradient (idempotent). Called by the
 * package's registration module (register-kernels.ts), not by the ops.
 */
export function registerVandermondeKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of VANDERMONDE_BACKENDS) {
    if (tf.getKernel(VANDERMONDE_KERNEL, backendName) === undefined) {
      tf.registerKernel({
        kernelName: VANDERMONDE_KERNEL,
        backendName,
        kernelFunc: forwardKernel as tf.KernelFunc,
      });
    }
    if (tf.getKernel(VANDERMONDE_GRAD_KERNEL, backendName) === undefined) {
      tf.registerKernel({
        kernelName: VANDERMONDE_GRAD_KERNEL,
        backendName,
        kernelFunc: gradKernel as tf.KernelFunc,
      });
    }
  }
  if (tf.getGradient(VANDERMONDE_KERNEL) === undefined) {
    tf.registerGradient({
      kernelName: VANDERMONDE_KERNEL,
      inputsToSave: ['cRe', 'cIm', 'zRe', 'zIm'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const [cRe, cIm, zRe, zIm] = saved;
        // Run eagerly, not inside the closures: the engine runs each closure in its own tidy, so one
        // multi-output result shared between closures would be disposed after the first.
        const [gcRe, gcIm, gzRe, gzIm] = tf
          .engine()
          .runKernel(
            VANDERMONDE_GRAD_KERNEL,
            { dy: dy as tf.Tensor, cRe: cRe!, cIm: cIm!, zRe: zRe!, zIm: zIm! },
            attrs,
          ) as tf.Tensor[];
        return { cRe: () => gcRe!, cIm: () => gcIm!, zRe: () => gzRe!, zIm: () => gzIm! };
      },
    });
  }
}

/** Which implementation {@link vandermonde} uses. */
export type VandermondeImpl = 'auto' | 'custom' | 'fallback';

/** Options shared by the kernel functions. */
export interface VandermondeOptions {
  /**
   * 'auto' (default): the custom JS kernel where registered for the active backend ('cpu', 'wasm'),
   * else the tf-ops fallback. 'custom': require the custom kernel (throws elsewhere). 'fallback': always tf ops.
   */
  impl?: VandermondeImpl;
}

/** True when the custom kernel would run on the active backend. */
export function vandermondeHasCustomKernel(backendName: string = tf.getBackend()): boolean {
  return (
    tf.getKernel(VANDERMONDE_KERNEL, backendName) !== undefined &&
    tf.getKernel(VANDERMONDE_GRAD_KERNEL, backendName) !== undefined
  );
}

/**
 * K[..., l] = Re Σ_m (cRe + i·cIm)[..., m] · (zRe + i·zIm)[..., m]^l for l = 0 … length−1, differentiable
 * in all four inputs. Inputs share one shape, [M] or [H, M] (float32).
 *
 * @example
 * ```ts
 * const k = vandermonde(cRe, cIm, zRe, zIm, 128); // inputs [64] → k [128]; inputs [8, 32] → k [8, 128]
 * ```
 */
export function vandermonde(
  cRe: tf.Tensor,
  cIm: tf.Tensor,
  zRe: tf.Tensor,
  zIm: tf.Tensor,
  length: number,
  options: VandermondeOptions = {},
): tf.Tensor {
  return runVandermonde('vandermonde', cRe, cIm, zRe, zIm, length, false, options);
}

/**
 * Like {@link vandermonde} but given ζ = log z: K[..., l] = Re Σ_m c[..., m] · exp(l·ζ[..., m]), with
 * ζ = wRe + i·wIm (for an SSM, ζ = Δ·A). Gradients are with respect to c and ζ. This is the form the
 * kernels use: the custom kernel builds z = exp(ζ) in float64, so the powers carry no float32 rounding of z.
 *
 * @example
 * ```ts
 * const k = vandermondeLog(cRe, cIm, dtARe, dtAIm, 128); // inputs [64] → k [128]; inputs [8, 32] → k [8, 128]
 * ```
 */
export function vandermondeLog(
  cRe: tf.Tensor,
  cIm: tf.Tensor,
  wRe: tf.Tensor,
  wIm: tf.Tensor,
  length: number,
  options: VandermondeOptions = {},
): tf.Tensor {
  return runVandermonde('vandermondeLog', cRe, cIm, wRe, wIm, length, true, options);
}

function runVandermonde(
  where: string,
  cRe: tf.Tensor,
  cIm: tf.Tensor,
  zRe: tf.Tensor,
  zIm: tf.Tensor,
  length: number,
  logZ: boolean,
  options: VandermondeOptions,
): tf.Tensor {
  checkPositiveInt(where, 'length', length);
  const s = cRe.shape;
  if (s.length !== 1 && s.length !== 2) {
    throw new Error(`${where}: cRe must have shape [M] or [H, M], got [${s.join(', ')}]`);
  }
  const zn = logZ ? ['wRe', 'wIm'] : ['zRe', 'zIm'];
  const named: [string, tf.Tensor][] = [
    ['cRe', cRe],
    ['cIm', cIm],
    [zn[0]!, zRe],
    [zn[1]!, zIm],
  ];
  for (const [name, t] of named) {
    if (t.shape.length !== s.length || t.shape.some((d, i) => d !== s[i])) {
      throw new Error(
        `${where}: ${name} must have the shape of cRe [${s.join(', ')}], got [${t.shape.join(', ')}]`,
      );
    }
    if (t.dtype !== 'float32') throw new Error(`${where}: ${name} must be float32, got ${t.dtype}`);
  }
  const impl = options.impl ?? 'auto';
  if (impl !== 'auto' && impl !== 'custom' && impl !== 'fallback') {
    throw new Error(
      `${where}: options.impl must be 'auto' | 'custom' | 'fallback', got ${JSON.stringify(impl)}`,
    );
  }
  const custom = impl !== 'fallback' && vandermondeHasCustomKernel();
  if (impl === 'custom' && !custom) {
    throw new Error(
      `${where}: impl 'custom' needs backend ${VANDERMONDE_BACKENDS.join(' | ')}, active is '${tf.getBackend()}'`,
    );
  }
  if (custom) {
    return tf.engine().runKernel(VANDERMONDE_KERNEL, { cRe, cIm, zRe, zIm }, { length, logZ }) as tf.Tensor; // [L] | [H, L]
  }
  return vandermondeFallback(cRe, cIm, zRe, zIm, length, logZ);
}

/** The same product with plain differentiable tf ops (any backend). Inputs [M] or [H, M] → [L] or [H, L]. */
function vandermondeFallback(
  cRe: tf.Tensor,
  cIm: tf.Tensor,
  zRe: tf.Tensor,
  zIm: tf.Tensor,
  length: number,
  logZ: boolean,
): tf.Tensor {
  return tf.tidy(() => {
    let logR: tf.Tensor; // [..., M]  log|z|
    let theta: tf.Tensor; // [..., M]  arg z
    if (logZ) {
      logR = zRe;
      theta = zIm;
    } else {
      const r2 = tf.maximum(tf.add(tf.square(zRe), tf.square(zIm)), 1e-30); // [..., M]
      logR = tf.mul(tf.log(r2), 0.5); // [..., M]
      theta = tf.atan2(zIm, zRe); // [..., M]
    }
    const ls = tf.range(0, length, 1, 'float32'); // [L]
    const mag = tf.exp(tf.mul(logR.expandDims(-1), ls)); // [..., M, L]
    const ang = tf.mul(theta.expandDims(-1), ls); // [..., M, L]
    const re = tf.sub(tf.mul(cRe.expandDims(-1), tf.cos(ang)), tf.mul(cIm.expandDims(-1), tf.sin(ang))); // [..., M, L]
    return tf.sum(tf.mul(re, mag), -2); // [..., L]
  });
}
