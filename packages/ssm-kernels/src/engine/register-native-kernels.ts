/**
 * Side-effect module: the project's custom kernels in C++ on the `native` backend
 * (`@bigs/tfjs-backend-native`, csrc/conv.cc): `BigsLongConvFft` (+ grad), `BigsToeplitzBuild`,
 * `BigsToeplitzDiagSum`, `BigsVandermonde` (+ grad). They replace the JS kernels registered for `native`
 * only when the addon loaded and has these entry points; otherwise the JS kernels stay (they read the
 * backend's typed arrays, which works on `native` too). The JS kernels remain the reference.
 */

import { loadAddon, type NativeBackend, registerNativeKernel, requireAddon } from '@bigs/tfjs-backend-native';
import type * as tf from '@tensorflow/tfjs';
import { LONG_CONV_FFT, LONG_CONV_FFT_GRAD } from '../conv/fft-op.js';
import { TOEPLITZ_BUILD, TOEPLITZ_DIAG_SUM } from '../conv/toeplitz-ops.js';
import { VANDERMONDE_GRAD_KERNEL, VANDERMONDE_KERNEL } from '../kernel/vandermonde-op.js';
// The JS kernels and the gradients first: the C++ ones replace them for `native` only where the addon has them.
import '../register-kernels.js';

/** The addon functions of csrc/conv.cc. */
interface ConvAddon {
  longConvFft(
    u: Float32Array,
    k: Float32Array,
    y: Float32Array,
    B: number,
    L: number,
    H: number,
    shared: boolean,
    anticausal: boolean,
  ): void;
  longConvFftGrad(
    dy: Float32Array,
    u: Float32Array,
    k: Float32Array,
    du: Float32Array,
    dk: Float32Array,
    B: number,
    L: number,
    H: number,
    shared: boolean,
    anticausal: boolean,
  ): void;
  toeplitzBuild(k: Float32Array, out: Float32Array, G: number, L: number, upper: boolean): void;
  toeplitzDiagSum(t: Float32Array, out: Float32Array, G: number, L: number, upper: boolean): void;
  vandermonde(
    cRe: Float32Array,
    cIm: Float32Array,
    zRe: Float32Array,
    zIm: Float32Array,
    out: Float32Array,
    H: number,
    M: number,
    L: number,
    logZ: boolean,
  ): void;
  vandermondeGrad(
    dy: Float32Array,
    cRe: Float32Array,
    cIm: Float32Array,
    zRe: Float32Array,
    zIm: Float32Array,
    gcRe: Float32Array,
    gcIm: Float32Array,
    gzRe: Float32Array,
    gzIm: Float32Array,
    H: number,
    M: number,
    L: number,
    logZ: boolean,
  ): void;
}

const ENTRY_POINTS = [
  'longConvFft',
  'longConvFftGrad',
  'toeplitzBuild',
  'toeplitzDiagSum',
  'vandermonde',
  'vandermondeGrad',
] as const;

/** Kernel names this module registers for `native`. */
export const NATIVE_SSM_KERNELS: readonly string[] = [
  LONG_CONV_FFT,
  LONG_CONV_FFT_GRAD,
  TOEPLITZ_BUILD,
  TOEPLITZ_DIAG_SUM,
  VANDERMONDE_KERNEL,
  VANDERMONDE_GRAD_KERNEL,
];

const f32 = (backend: NativeBackend, t: tf.TensorInfo): Float32Array => backend.valuesOf(t) as Float32Array;

function fftDims(u: tf.TensorInfo, k: tf.TensorInfo): [number, number, number, boolean] {
  const [B, L, H] = u.shape as [number, number, number];
  return [B, L, H, k.shape.length === 1];
}

function rowsModes(shape: readonly number[]): [number, number] {
  return shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
}

type NativeKernelConfig = Omit<tf.KernelConfig, 'backendName'>;

/** The FFT long convolution and its gradient in C++. */
function convConfigs(a: ConvAddon): NativeKernelConfig[] {
  return [
    {
      kernelName: LONG_CONV_FFT,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { u, k } = inputs as { u: tf.TensorInfo; k: tf.TensorInfo };
        const [B, L, H, shared] = fftDims(u, k);
        const { info, values } = be.makeFloatOutput([B, L, H]); // [B, L, H]
        const anti = (attrs as { anticausal: boolean }).anticausal;
        a.longConvFft(f32(be, u), f32(be, k), values, B, L, H, shared, anti);
        return info;
      },
    },
    {
      kernelName: LONG_CONV_FFT_GRAD,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { dy, u, k } = inputs as { dy: tf.TensorInfo; u: tf.TensorInfo; k: tf.TensorInfo };
        const [B, L, H, shared] = fftDims(u, k);
        const du = be.makeFloatOutput([B, L, H]); // [B, L, H]
        const dk = be.makeFloatOutput([...k.shape]); // [L] | [H, L]
        const anti = (attrs as { anticausal: boolean }).anticausal;
        a.longConvFftGrad(f32(be, dy), f32(be, u), f32(be, k), du.values, dk.values, B, L, H, shared, anti);
        return [du.info, dk.info];
      },
    },
  ];
}

/** Toeplitz build and diagonal sums in C++. */
function toeplitzConfigs(a: ConvAddon): NativeKernelConfig[] {
  return [
    {
      kernelName: TOEPLITZ_BUILD,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { k } = inputs as { k: tf.TensorInfo };
        const [G, L] = k.shape as [number, number];
        const { info, values } = be.makeFloatOutput([G, L, L]); // [G, L, L]
        a.toeplitzBuild(f32(be, k), values, G, L, (attrs as { upper: boolean }).upper);
        return info;
      },
    },
    {
      kernelName: TOEPLITZ_DIAG_SUM,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { t } = inputs as { t: tf.TensorInfo };
        const [G, L] = t.shape as [number, number, number];
        const { info, values } = be.makeFloatOutput([G, L]); // [G, L]
        a.toeplitzDiagSum(f32(be, t), values, G, L, (attrs as { upper: boolean }).upper);
        return info;
      },
    },
  ];
}

/** The Vandermonde power sum and its gradient in C++. */
function vandermondeConfigs(a: ConvAddon): NativeKernelConfig[] {
  return [
    {
      kernelName: VANDERMONDE_KERNEL,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { cRe, cIm, zRe, zIm } = inputs as Record<string, tf.TensorInfo>;
        const { length, logZ } = attrs as { length: number; logZ: boolean };
        const [h, m] = rowsModes(cRe!.shape);
        const { info, values } = be.makeFloatOutput(cRe!.shape.length === 1 ? [length] : [h, length]); // [L] | [H, L]
        a.vandermonde(f32(be, cRe!), f32(be, cIm!), f32(be, zRe!), f32(be, zIm!), values, h, m, length, logZ);
        return info;
      },
    },
    {
      kernelName: VANDERMONDE_GRAD_KERNEL,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const be = backend as unknown as NativeBackend;
        const { dy, cRe, cIm, zRe, zIm } = inputs as Record<string, tf.TensorInfo>;
        const { length, logZ } = attrs as { length: number; logZ: boolean };
        const [h, m] = rowsModes(cRe!.shape);
        const shape = cRe!.shape.slice(); // [M] | [H, M]
        const outs = [0, 1, 2, 3].map(() => be.makeFloatOutput(shape));
        const [gcRe, gcIm, gzRe, gzIm] = outs.map((o) => o.values) as [
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        a.vandermondeGrad(
          f32(be, dy!),
          f32(be, cRe!),
          f32(be, cIm!),
          f32(be, zRe!),
          f32(be, zIm!),
          gcRe,
          gcIm,
          gzRe,
          gzIm,
          h,
          m,
          length,
          logZ,
        );
        return outs.map((o) => o.info);
      },
    },
  ];
}

function nativeConfigs(a: ConvAddon): NativeKernelConfig[] {
  return [...convConfigs(a), ...toeplitzConfigs(a), ...vandermondeConfigs(a)];
}

let active: boolean | null = null;

/**
 * Registers the C++ kernels for `native` (idempotent). Returns `false` (JS kernels stay) when the addon
 * did not load or was built without csrc/conv.cc.
 */
export function registerNativeSsmKernels(): boolean {
  if (active !== null) return active;
  const addon = loadAddon() as unknown as Partial<Record<(typeof ENTRY_POINTS)[number], unknown>> | null;
  active = addon !== null && ENTRY_POINTS.every((name) => typeof addon[name] === 'function');
  if (!active) return false;
  for (const config of nativeConfigs(requireAddon<ConvAddon>())) registerNativeKernel(config);
  return true;
}

/** Whether the C++ kernels are registered for `native`. */
export function nativeSsmKernelsActive(): boolean {
  return active === true;
}

registerNativeSsmKernels();
