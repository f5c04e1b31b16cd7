import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type BackendAvailability,
  CPU_PKG,
  NATIVE_PKG,
  NODE_CPU,
  NODE_GPU,
  WASM_PKG,
} from './engine-options.js';
import { state } from './engine-state.js';
import { nativeUnavailable } from './native-engine.js';
import { WASM_THREADS_SHIM_VERSION } from './wasm-threads.js';
import { WEBGPU_TFJS_PKG, webgpuAvailability } from './webgpu-engine.js';

/**
 * Which engines this process could use, checked without initialising any (tfjs-node packages are
 * only resolved, not loaded; `wasm-mt` is reported available when its preconditions hold — the
 * shim itself is verified by {@link initEngine}).
 *
 * @example
 * (await listAvailableBackends()).filter((b) => b.available).map((b) => b.variant); // ['wasm-mt', 'wasm', 'cpu']
 */
export async function listAvailableBackends(): Promise<BackendAvailability[]> {
  const req = createRequire(import.meta.url);
  const resolvable = (pkg: string): boolean => {
    try {
      req.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  };
  const out: BackendAvailability[] = [];
  for (const [variant, pkg] of [
    ['tensorflow-gpu', NODE_GPU],
    ['tensorflow', NODE_CPU],
  ] as const) {
    const ok = resolvable(pkg);
    out.push(
      ok
        ? { variant, available: true, package: pkg, reason: 'installed (not initialised yet)' }
        : { variant, available: false, package: pkg, reason: `${pkg} is not installed` },
    );
  }
  out.push({ variant: 'webgpu', package: WEBGPU_TFJS_PKG, ...(await webgpuAvailability()) });
  const nativeReason = await nativeUnavailable();
  out.push(
    nativeReason === null
      ? {
          variant: 'native',
          available: true,
          package: NATIVE_PKG,
          reason: 'addon loads (self-check runs at initEngine)',
        }
      : { variant: 'native', available: false, package: NATIVE_PKG, reason: nativeReason },
  );
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const cores = os.cpus().length;
  let mtReason: string | undefined;
  if (version_wasm !== WASM_THREADS_SHIM_VERSION)
    mtReason = `shim supports tfjs-backend-wasm ${WASM_THREADS_SHIM_VERSION} only`;
  else if (cores < 2) mtReason = 'needs >= 2 cores';
  else if (!simd) mtReason = 'needs wasm SIMD';
  else if (typeof SharedArrayBuffer === 'undefined') mtReason = 'needs SharedArrayBuffer';
  else if (state.wasm !== null && state.wasm.variant === 'wasm')
    mtReason = 'this process already runs single-threaded wasm';
  out.push(
    mtReason === undefined
      ? { variant: 'wasm-mt', available: true, package: WASM_PKG }
      : { variant: 'wasm-mt', available: false, package: WASM_PKG, reason: mtReason },
  );
  out.push(
    state.wasm !== null && state.wasm.variant === 'wasm-mt'
      ? {
          variant: 'wasm',
          available: false,
          package: WASM_PKG,
          reason: 'this process already runs threaded wasm',
        }
      : { variant: 'wasm', available: true, package: WASM_PKG },
  );
  out.push({ variant: 'cpu', available: true, package: CPU_PKG });
  return out;
}
