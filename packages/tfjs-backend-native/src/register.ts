/**
 * Registers the `native` backend: every kernel of `@tensorflow/tfjs-backend-cpu` (the correct default,
 * wrapped so buffer recycling stays safe) with the hot ones replaced by addon kernels. With
 * `BIGS_NATIVE_VERIFY=1` every addon kernel is shadowed by its cpu kernel and the worst difference is
 * recorded ({@link verifyReport}).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { addonLoadError, loadAddon } from './addon.js';
import { NativeBackend } from './backend.js';
import { nativeKernels } from './kernels/index.js';
import { isVerifying, verifyKernel } from './verify.js';

export const BACKEND_NAME = 'native';

type Args = Parameters<KernelFunc>[0];

function outputsOf(out: TensorInfo | TensorInfo[]): TensorInfo[] {
  return Array.isArray(out) ? out : [out];
}

/**
 * After a JS kernel ran: adopt its fresh float32 outputs into the pool, unless an output shares a
 * buffer with an input (a subarray view, e.g. Slice) — then neither may ever be recycled.
 */
function guardAliases(backend: NativeBackend, args: Args, out: TensorInfo | TensorInfo[]): void {
  const inputBuffers = new Map<ArrayBufferLike, unknown>();
  const inputIds = new Set<object>();
  for (const t of Object.values(args.inputs)) {
    if (t === undefined) continue;
    inputIds.add(t.dataId);
    const v = backend.data.get(t.dataId)?.values;
    if (ArrayBuffer.isView(v)) inputBuffers.set(v.buffer, v);
  }
  for (const o of outputsOf(out)) {
    if (inputIds.has(o.dataId)) continue;
    const v = backend.data.get(o.dataId)?.values;
    if (!(v instanceof Float32Array)) continue;
    const shared = inputBuffers.get(v.buffer);
    if (shared !== undefined) {
      backend.pool.escape(shared);
      backend.pool.escape(v);
    } else if (!backend.pool.owns(v)) {
      backend.pool.adopt(v);
    }
  }
}

function wrapJsKernel(config: KernelConfig): KernelConfig {
  const run = config.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as NativeBackend;
    const out = backend.runInKernel(() => run(args));
    guardAliases(backend, args, out as TensorInfo | TensorInfo[]);
    return out;
  };
  return { ...config, backendName: BACKEND_NAME, kernelFunc };
}

function wrapNativeKernel(config: KernelConfig, cpu: KernelConfig | undefined): KernelConfig {
  const run = config.kernelFunc;
  const verify = isVerifying() && cpu !== undefined;
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as NativeBackend;
    const out = backend.runInKernel(() => run(args));
    if (verify) verifyKernel(config.kernelName, args, out as TensorInfo | TensorInfo[], cpu.kernelFunc);
    return out;
  };
  return { ...config, backendName: BACKEND_NAME, kernelFunc };
}

function registerOrReplace(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, BACKEND_NAME) !== undefined)
    tf.unregisterKernel(config.kernelName, BACKEND_NAME);
  tf.registerKernel(config);
}

let registered = false;

/**
 * Registers backend `native` and its kernels (idempotent). Returns `false` with the reason from
 * {@link addonLoadError} when the addon is unavailable; nothing is registered then.
 */
export function registerNativeBackend(): boolean {
  if (registered) return true;
  if (loadAddon() === null) return false;
  const cpuKernels = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  for (const k of cpuKernels.values()) registerOrReplace(wrapJsKernel(k));
  for (const k of nativeKernels()) registerOrReplace(wrapNativeKernel(k, cpuKernels.get(k.kernelName)));
  // Priority 0: registering never changes which backend tfjs picks by itself; apps choose `native`.
  tf.registerBackend(BACKEND_NAME, () => new NativeBackend(), 0);
  registered = true;
  return true;
}

/** Why {@link registerNativeBackend} cannot register (the addon failed to load), or `null`. */
export function nativeUnavailableReason(): string | null {
  return addonLoadError();
}

/**
 * Registers a kernel for `native` (replacing the JS default). For project-specific kernels added
 * after the backend registered; a kernel of the same name already registered for `native` is replaced.
 */
export function registerNativeKernel(config: Omit<KernelConfig, 'backendName'>): void {
  registerOrReplace(wrapNativeKernel({ ...config, backendName: BACKEND_NAME }, undefined));
}
