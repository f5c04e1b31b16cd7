/**
 * The `native` engine (`@bigs/tfjs-backend-native`): loads the addon, sizes its threads, switches tfjs
 * to it and checks a matmul and an elementwise op against float64 JS before anyone trains on it.
 */
import * as tf from '@tensorflow/tfjs';
import { matmulError, matmulProbe } from './self-check.js';

/** What {@link initNative} set up. */
export interface NativeSetup {
  version: string;
  threads: number;
  blas: { name: string; path: string; threads: number; config: string };
}

type NativeModule = typeof import('@bigs/tfjs-backend-native');

let loaded: Promise<NativeModule> | null = null;

/** The native package, imported once (its import never throws when the addon is missing). */
export function importNative(): Promise<NativeModule> {
  loaded ??= import('@bigs/tfjs-backend-native');
  return loaded;
}

/** Why `native` cannot run here, or `null` when its addon loads (checked without switching backends). */
export async function nativeUnavailable(): Promise<string | null> {
  try {
    const mod = await importNative();
    return mod.registerNativeBackend() ? null : (mod.nativeUnavailableReason() ?? 'the addon did not load');
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Elementwise and matmul results on the active backend vs float64 JS; throws on a mismatch. */
export function nativeSelfCheck(forceFail = false): void {
  const p = matmulProbe(67, 131, 45);
  const [prod, ew] = tf.tidy(() => {
    const A = tf.tensor2d(p.a, [p.m, p.k]);
    const e = tf.add(tf.mul(A, A), tf.slice(A, [0, 0], [1, p.k])); // [M, K], broadcast row
    return [tf.matMul(A, tf.tensor2d(p.b, [p.k, p.n])).dataSync(), e.dataSync()]; // [M, N], [M, K]
  });
  let worst = matmulError(p, prod);
  for (let i = 0; i < p.a.length; i++) {
    const x = p.a[i] as number;
    const want = x * x + (p.a[i % p.k] as number);
    worst = Math.max(worst, Math.abs(want - (ew[i] as number)) / (1 + Math.abs(want)));
  }
  if (forceFail) worst = Number.POSITIVE_INFINITY;
  if (!(worst < 1e-4)) throw new Error(`native self-check failed (max relative error ${worst})`);
}

/**
 * Registers and selects backend `native` with `threads` threads for its pool and BLAS, then runs the
 * self-check (on failure the previous backend is restored and the error says why).
 */
export async function initNative(threads: number, forceFail = false): Promise<NativeSetup> {
  const mod = await importNative();
  if (!mod.registerNativeBackend()) {
    throw new Error(
      `initEngine: backend 'native' is unavailable: ${mod.nativeUnavailableReason()}. ` +
        `Rebuild it with \`node scripts/install.cjs\` in the @bigs/tfjs-backend-native package (needs a C++17 compiler and Python), ` +
        `or choose 'wasm' / 'auto'.`,
    );
  }
  // The project's own kernels (long convolution, Vandermonde) in C++ for `native`: a registration module,
  // imported for its side effect once the addon is known to load (it needs the addon).
  await import('./register-native-kernels.js');
  const previous = tf.getBackend();
  mod.setNativeThreads(threads);
  if (!(await tf.setBackend('native'))) throw new Error("initEngine: tf.setBackend('native') failed");
  try {
    nativeSelfCheck(forceFail);
  } catch (e) {
    if (previous !== undefined && previous !== 'native') await tf.setBackend(previous);
    throw e;
  }
  const info = mod.nativeInfo();
  if (info === null) throw new Error('initEngine: the native addon vanished after registration');
  return {
    version: mod.NATIVE_VERSION,
    threads: info.poolThreads,
    blas: {
      name: info.blas.name,
      path: info.blas.path,
      threads: info.blas.threads,
      config: info.blas.config,
    },
  };
}
