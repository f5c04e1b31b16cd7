/**
 * The engine's vocabulary and options: what a caller may ask for ({@link BackendRequest}, with `BIGS_BACKEND`),
 * what runs ({@link EngineVariant}, {@link EngineInfo}), the packages behind each, and the thread count rule
 * (`threads`, `BIGS_THREADS`).
 */
import os from 'node:os';
import type { WebgpuAdapterInfo } from './webgpu-engine.js';

/**
 * What the caller asks for. `auto`: tfjs-node-gpu, webgpu (hardware adapter only), tfjs-node, native, wasm with
 * threads, wasm, cpu — first that works.
 */
export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

/** What actually runs: the tfjs backend plus its flavour (`wasm-mt` = wasm with the thread shim). */
export type EngineVariant =
  | 'tensorflow-gpu'
  | 'webgpu'
  | 'tensorflow'
  | 'native'
  | 'wasm-mt'
  | 'wasm'
  | 'cpu';

/** Options of {@link initEngine}. */
export interface InitEngineOptions {
  /** Default `'auto'`; when `'auto'` or omitted, the env var `BIGS_BACKEND` (same values) decides. */
  backend?: BackendRequest;
  /**
   * XNNPACK threads for wasm. `'auto'` (default; env var `BIGS_THREADS` when omitted) = all cores when
   * there are ≥ 2, via the thread shim. `1` = single-threaded wasm. Clamped to `os.cpus().length`.
   * The wasm module and its thread count are process-wide: the first wasm initialisation fixes them.
   */
  threads?: number | 'auto';
  /** Do not print the one-line engine summary nor tfjs's "install our node backend" banner. */
  quiet?: boolean;
  /** Register the fast `BatchMatMul` gradient (default: true on wasm, false elsewhere). */
  fastMatMulGradient?: boolean;
  /**
   * Testing only: make the thread shim fail at `'init'` (before the threaded module loads) or at
   * `'self-check'` (after it loaded), to exercise the fallback to single-threaded wasm.
   */
  debugFailThreads?: 'init' | 'self-check';
  /** Testing only: make the native engine's self-check fail, to exercise the fallback of `auto`. */
  debugFailNative?: boolean;
}

/** What {@link initEngine} set up. */
export interface EngineInfo {
  /** The tfjs backend name now active (`tf.getBackend()`): `tensorflow`, `wasm` or `cpu`. */
  backend: string;
  /** Backend plus flavour, e.g. `wasm-mt`. */
  variant: EngineVariant;
  /** What was asked for (after applying `BIGS_BACKEND`). */
  requested: BackendRequest;
  /** The npm package that provides the backend. */
  package: string;
  /** Version of that package (tfjs-core's version for the cpu backend). */
  version: string;
  /** tfjs-core version. */
  tfjsVersion: string;
  /** Threads used by the backend's matmul (1 for cpu; 0 = managed by libtensorflow). */
  threads: number;
  /** `native` only: the BLAS library in use (`built-in` = the addon's own GEMM), its file and threads. */
  blas?: { name: string; path: string; threads: number; config: string };
  /** `webgpu` only: the adapter it runs on (`software` for e.g. SwiftShader). */
  adapter?: WebgpuAdapterInfo;
  /** Whether the wasm SIMD build is loaded (false for other backends). */
  simd: boolean;
  /** Whether the fast `BatchMatMul` gradient is registered. */
  fastMatMulGradient: boolean;
  /** Why fallbacks happened (e.g. `wasm threads shim failed: ...`), in order. */
  notes: string[];
}

/** One row of {@link listAvailableBackends}. */
export interface BackendAvailability {
  variant: EngineVariant;
  /** `true`: can be initialised here as far as can be told without initialising it. */
  available: boolean;
  package: string;
  /** Why it is unavailable, or a caveat. */
  reason?: string;
}

export const NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const NODE_CPU = '@tensorflow/tfjs-node';
export const WASM_PKG = '@tensorflow/tfjs-backend-wasm';
export const CPU_PKG = '@tensorflow/tfjs-backend-cpu';
export const NATIVE_PKG = '@bigs/tfjs-backend-native';
/** Every value `backend` accepts, in `auto`'s order of preference after `auto` itself (apps list these as choices). */
export const BACKEND_REQUESTS: readonly BackendRequest[] = [
  'auto',
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'native',
  'wasm',
  'cpu',
];

export function parseRequest(options: InitEngineOptions): BackendRequest {
  let request = options.backend ?? 'auto';
  if (!BACKEND_REQUESTS.includes(request)) {
    throw new Error(
      `initEngine: backend must be one of ${BACKEND_REQUESTS.join(', ')}; got '${String(request)}'`,
    );
  }
  const env = process.env.BIGS_BACKEND?.trim();
  if (request === 'auto' && env !== undefined && env !== '') {
    const alias = env === 'wasm-mt' ? 'wasm' : env;
    if (!BACKEND_REQUESTS.includes(alias as BackendRequest)) {
      throw new Error(
        `initEngine: environment variable BIGS_BACKEND must be one of ${BACKEND_REQUESTS.join(', ')}, wasm-mt; got '${env}'`,
      );
    }
    request = alias as BackendRequest;
  }
  return request;
}

export function parseThreads(options: InitEngineOptions): {
  threads: number;
  explicit: boolean;
  notes: string[];
} {
  const cores = Math.max(1, os.cpus().length);
  let raw: number | 'auto' = options.threads ?? 'auto';
  let source = 'threads';
  const env = process.env.BIGS_THREADS?.trim();
  if (options.threads === undefined && env !== undefined && env !== '') {
    raw = env === 'auto' ? 'auto' : Number(env);
    source = 'environment variable BIGS_THREADS';
  }
  if (raw === 'auto') return { threads: cores, explicit: false, notes: [] };
  if (!Number.isInteger(raw) || raw < 1) {
    throw new Error(`initEngine: ${source} must be a positive integer or 'auto'; got '${String(raw)}'`);
  }
  if (raw > cores) {
    return {
      threads: cores,
      explicit: true,
      notes: [`threads ${raw} clamped to the ${cores} cores of this machine`],
    };
  }
  return { threads: raw, explicit: true, notes: [] };
}
