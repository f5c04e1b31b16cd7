/**
 * The `native` engine (`@bigs/tfjs-backend-native`): loads the addon, sizes its threads, switches tfjs
 * to it and checks a matmul and an elementwise op against float64 JS before anyone trains on it.
 */
import * as tf from '@tensorflow/tfjs';

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
  const M = 67;
  const K = 131;
  const N = 45;
  const a = new Float32Array(M * K).map((_, i) => Math.sin(i * 0.37));
  const b = new Float32Array(K * N).map((_, i) => Math.cos(i * 0.11));
  const [prod, ew] = tf.tidy(() => {
    const A = tf.tensor2d(a, [M, K]);
    const B = tf.tensor2d(b, [K, N]);
    const p = tf.matMul(A, B); // [M, N]
    const e = tf.add(tf.mul(A, A), tf.slice(A, [0, 0], [1, K])); // [M, K], broadcast row
    return [p.dataSync(), e.dataSync()];
  });
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (a[i * K + k] as number) * (b[k * N + j] as number);
      worst = Math.max(worst, Math.abs(s - (prod[i * N + j] as number)) / (1 + Math.abs(s)));
    }
    for (let k = 0; k < K; k++) {
      const x = a[i * K + k] as number;
      const want = x * x + (a[k] as number);
      worst = Math.max(worst, Math.abs(want - (ew[i * K + k] as number)) / (1 + Math.abs(want)));
    }
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
