/**
 * Engine set-up: which tfjs backend runs, with how many threads, and our kernels/gradients for it.
 *
 * Library code never picks a backend; apps and tests call {@link initEngine} once at start-up.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installFastMatMulGradient } from '../dense/batch-matmul-grad.js';
import { initNative, nativeUnavailable } from './native-engine.js';
import {
  describeAdapter,
  initWebgpu,
  WEBGPU_TFJS_PKG,
  type WebgpuAdapterInfo,
  webgpuAvailability,
} from './webgpu-engine.js';
import './register-unsorted-segment-sum.js';
import { installWasmThreadsShim, unrefWasmWorkers, WASM_THREADS_SHIM_VERSION } from './wasm-threads.js';

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

const NODE_GPU = '@tensorflow/tfjs-node-gpu';
const NODE_CPU = '@tensorflow/tfjs-node';
const WASM_PKG = '@tensorflow/tfjs-backend-wasm';
const CPU_PKG = '@tensorflow/tfjs-backend-cpu';
const NATIVE_PKG = '@bigs/tfjs-backend-native';
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
const REQUESTS = BACKEND_REQUESTS;

type Importer = (specifier: string) => Promise<unknown>;
const nativeImport: Importer = (specifier) => import(/* @vite-ignore */ specifier);
let importOptional: Importer = nativeImport;

/** Testing only: replace how optional peers (`@tensorflow/tfjs-node*`) are imported; `null` restores it. */
export function setOptionalImporterForTesting(importer: Importer | null): void {
  importOptional = importer ?? nativeImport;
}

interface WasmState {
  threads: number;
  simd: boolean;
  variant: 'wasm' | 'wasm-mt';
  notes: string[];
}
/**
 * Process-wide state on `globalThis` (the tfjs engine is process-wide; this module may be evaluated
 * more than once, e.g. by test runners): the last EngineInfo and the wasm choice, which the first
 * successful wasm initialisation fixes for the life of the process.
 */
interface EngineState {
  current: EngineInfo | null;
  wasm: WasmState | null;
}
const STATE_KEY = Symbol.for('@bigs/ssm-kernels/engine');
function processState(): EngineState {
  const g = globalThis as Record<symbol, EngineState | undefined>;
  const existing = g[STATE_KEY];
  if (existing !== undefined) return existing;
  const created: EngineState = { current: null, wasm: null };
  g[STATE_KEY] = created;
  return created;
}
const state = processState();

/** Info of the last successful {@link initEngine}, or `null` before the first. */
export function getEngineInfo(): EngineInfo | null {
  return state.current === null ? null : { ...state.current, notes: [...state.current.notes] };
}

function errMessage(e: unknown): string {
  return e instanceof Error
    ? e.message
    : typeof e === 'object' && e !== null && 'message' in e
      ? String(e.message)
      : String(e);
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  const msg = errMessage(e);
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Failed to load url|Failed to resolve|Could not resolve/.test(msg)
  );
}

function missingPackageMessage(
  request: 'tensorflow' | 'tensorflow-gpu',
  pkg: string,
  detail: string,
): string {
  return (
    `initEngine: backend '${request}' needs the optional package ${pkg}, which ${detail}. ` +
    `Add it with \`pnpm add ${pkg}@4.22.0\` (its install script downloads libtensorflow 2.9.1` +
    `${request === 'tensorflow-gpu' ? '; it also needs CUDA 11.2 + cuDNN 8.1' : ''}), ` +
    `or choose another backend: 'wasm' (no native dependencies, threads via a shim), 'cpu' (slow, pure JS) or 'auto'.`
  );
}

function parseRequest(options: InitEngineOptions): BackendRequest {
  let request = options.backend ?? 'auto';
  if (!REQUESTS.includes(request)) {
    throw new Error(`initEngine: backend must be one of ${REQUESTS.join(', ')}; got '${String(request)}'`);
  }
  const env = process.env.BIGS_BACKEND?.trim();
  if (request === 'auto' && env !== undefined && env !== '') {
    const alias = env === 'wasm-mt' ? 'wasm' : env;
    if (!REQUESTS.includes(alias as BackendRequest)) {
      throw new Error(
        `initEngine: environment variable BIGS_BACKEND must be one of ${REQUESTS.join(', ')}, wasm-mt; got '${env}'`,
      );
    }
    request = alias as BackendRequest;
  }
  return request;
}

function parseThreads(options: InitEngineOptions): { threads: number; explicit: boolean; notes: string[] } {
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

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface EngineInternals {
  registry: Record<string, unknown>;
  registryFactory: Record<string, { factory: () => unknown; priority: number }>;
}
const internals = () => tf.engine() as unknown as EngineInternals;

/** Small matmul on the active backend vs a float64 JS product; throws on mismatch. */
function matmulSelfCheck(forceFail: boolean): void {
  const M = 96;
  const K = 160;
  const N = 80;
  const a = new Float32Array(M * K).map((_, i) => Math.sin(i * 0.37));
  const b = new Float32Array(K * N).map((_, i) => Math.cos(i * 0.11));
  const got = tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])).dataSync()); // [M, N]
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (a[i * K + k] as number) * (b[k * N + j] as number);
      worst = Math.max(worst, Math.abs(s - (got[i * N + j] as number)) / (1 + Math.abs(s)));
    }
  }
  if (forceFail) worst = Number.POSITIVE_INFINITY;
  if (!(worst < 1e-4)) throw new Error(`matmul self-check failed (max relative error ${worst})`);
}

/** Tear down a wasm backend that initialised but must not be used, keeping the factory for a retry. */
function discardWasmBackend(): void {
  const entry = internals().registryFactory.wasm;
  const backend = internals().registry.wasm as
    | { wasm?: { PThread?: { terminateAllThreads?: () => void } } }
    | undefined;
  const pthread = backend?.wasm?.PThread;
  tf.removeBackend('wasm');
  try {
    pthread?.terminateAllThreads?.();
  } catch {
    // workers are unref'd; a failure to terminate them does not keep the process alive
  }
  if (entry !== undefined)
    tf.registerBackend('wasm', entry.factory as () => tf.KernelBackend, entry.priority);
}

async function tryWasmThreads(threads: number, fail: InitEngineOptions['debugFailThreads']): Promise<void> {
  if (os.cpus().length < 2) throw new Error('this machine has 1 core');
  if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is unavailable');
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')))
    throw new Error('the threaded build needs wasm SIMD');
  const version = fail === 'init' ? `${WASM_THREADS_SHIM_VERSION}-forced-failure` : version_wasm;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const shim = installWasmThreadsShim(threads, version);
  let ok = false;
  try {
    ok = await withTimeout(tf.setBackend('wasm'), 60_000, "tf.setBackend('wasm') with threads");
  } finally {
    shim.restore();
  }
  if (!ok)
    throw new Error(
      `threaded wasm did not initialise${shim.problems.length ? `: ${shim.problems.join('; ')}` : ''}`,
    );
  unrefWasmWorkers((tf.backend() as unknown as { wasm?: object }).wasm);
  try {
    if (shim.problems.length > 0) throw new Error(shim.problems.join('; '));
    const actual = getThreadsCount();
    if (actual < 2) throw new Error(`the threaded build reports ${actual} thread(s)`);
    matmulSelfCheck(fail === 'self-check');
  } catch (e) {
    discardWasmBackend();
    throw e;
  }
}

async function initWasm(
  threads: number,
  explicit: boolean,
  options: InitEngineOptions,
): Promise<{ threads: number; simd: boolean; variant: 'wasm' | 'wasm-mt'; notes: string[] }> {
  if (state.wasm !== null || internals().registry.wasm !== undefined) {
    // The wasm module is process-wide: reuse it, and refuse an explicit, different thread count.
    const existing = state.wasm ?? {
      threads: getThreadsCount(),
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      variant: getThreadsCount() > 1 ? ('wasm-mt' as const) : ('wasm' as const),
      notes: ['wasm was initialised outside initEngine'],
    };
    if (explicit && existing.threads !== threads) {
      throw new Error(
        `initEngine: the wasm backend already runs with ${existing.threads} thread(s) in this process; its module and ` +
          `thread count are process-wide and cannot change. Ask for threads: ${existing.threads} or 'auto', or use a new process.`,
      );
    }
    if (!(await tf.setBackend('wasm'))) throw new Error("initEngine: tf.setBackend('wasm') failed");
    state.wasm = existing;
    return existing;
  }
  const notes: string[] = [];
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  if (threads >= 2) {
    try {
      await tryWasmThreads(threads, options.debugFailThreads);
      state.wasm = { threads: getThreadsCount(), simd: true, variant: 'wasm-mt', notes };
      return state.wasm;
    } catch (e) {
      notes.push(`wasm threads shim failed (${errMessage(e)}); using single-threaded wasm`);
    }
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error("initEngine: tf.setBackend('wasm') failed");
  state.wasm = { threads: getThreadsCount(), simd, variant: 'wasm', notes };
  return state.wasm;
}

async function initTensorflow(request: 'tensorflow' | 'tensorflow-gpu'): Promise<string> {
  const pkg = request === 'tensorflow-gpu' ? NODE_GPU : NODE_CPU;
  let mod: unknown;
  try {
    mod = await importOptional(pkg);
  } catch (e) {
    if (isNotFound(e)) throw new Error(missingPackageMessage(request, pkg, 'is not installed'));
    throw new Error(missingPackageMessage(request, pkg, `failed to load (${errMessage(e)})`));
  }
  let ok = false;
  try {
    ok = await tf.setBackend('tensorflow');
  } catch (e) {
    throw new Error(
      missingPackageMessage(request, pkg, `is installed but its backend failed (${errMessage(e)})`),
    );
  }
  if (!ok)
    throw new Error(
      missingPackageMessage(request, pkg, "is installed but tf.setBackend('tensorflow') failed"),
    );
  const v = (mod as { version?: Record<string, string> }).version;
  return v?.[request === 'tensorflow-gpu' ? 'tfjs-node-gpu' : 'tfjs-node'] ?? v?.['tfjs-node'] ?? 'unknown';
}

function summary(info: EngineInfo): string {
  const extra = info.variant.startsWith('wasm')
    ? `, ${info.threads} thread(s), simd ${info.simd}`
    : info.blas !== undefined
      ? `, ${info.threads} thread(s), BLAS ${info.blas.name}${info.blas.path ? ` ${info.blas.path}` : ''}`
      : info.adapter !== undefined
        ? `, adapter ${describeAdapter(info.adapter)}`
        : '';
  return `[bigs] engine: ${info.variant} (${info.package}@${info.version}${extra})${info.notes.length ? ` — ${info.notes.join('; ')}` : ''}`;
}

/**
 * Choose and initialise the tfjs backend for this process, register our kernels for it, and return
 * what runs. Safe to call again: the same request reuses what exists; an explicit, different wasm
 * thread count throws (the wasm module is process-wide).
 *
 * - `tensorflow-gpu` / `tensorflow`: `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` (optional
 *   peers, dynamic `import()`); when absent, throws a message naming the package to add.
 * - `wasm`: threads via the guarded shim when `threads` ≥ 2 (falls back to single-threaded wasm on any
 *   failure, reason in `notes`), and the fast `BatchMatMul` gradient.
 * - `cpu`: the pure-JS backend (a correctness oracle: 40–75× slower than wasm on matmul).
 * - `native`: `@bigs/tfjs-backend-native` (C++ addon, BLAS found at run time); `threads` sizes its pool and BLAS.
 * - `webgpu`: tfjs-backend-webgpu on `navigator.gpu` (browser) or the optional `webgpu` package (Node, Dawn);
 *   any adapter, software ones included (webgpu-engine.ts).
 * - `auto`: the first of tensorflow-gpu, webgpu (hardware adapter only), tensorflow, native (when its self-check passes), wasm (threads, then
 *   single), cpu that works.
 *
 * @example
 * const info = await initEngine({ backend: 'auto', quiet: true });
 * info.variant; // 'native' where its addon built, else 'wasm-mt' on a 2-core box without tfjs-node
 */
export async function initEngine(options: InitEngineOptions = {}): Promise<EngineInfo> {
  const request = parseRequest(options);
  const { threads, explicit, notes } = parseThreads(options);
  const tfjsVersion = tf.version_core;
  let info: EngineInfo | null = null;

  const tryTensorflow = async (r: 'tensorflow' | 'tensorflow-gpu'): Promise<EngineInfo> => {
    const version = await initTensorflow(r);
    return {
      backend: tf.getBackend(),
      variant: r,
      requested: request,
      package: r === 'tensorflow-gpu' ? NODE_GPU : NODE_CPU,
      version,
      tfjsVersion,
      threads: 0,
      simd: false,
      fastMatMulGradient: false,
      notes,
    };
  };
  const tryWasm = async (): Promise<EngineInfo> => {
    const w = await initWasm(threads, explicit, options);
    return {
      backend: tf.getBackend(),
      variant: w.variant,
      requested: request,
      package: WASM_PKG,
      version: version_wasm,
      tfjsVersion,
      threads: w.threads,
      simd: w.simd,
      fastMatMulGradient: false,
      notes: [...notes, ...w.notes],
    };
  };
  const tryNative = async (): Promise<EngineInfo> => {
    const n = await initNative(threads, options.debugFailNative === true);
    return {
      backend: tf.getBackend(),
      variant: 'native',
      requested: request,
      package: NATIVE_PKG,
      version: n.version,
      tfjsVersion,
      threads: n.threads,
      simd: false,
      fastMatMulGradient: false,
      blas: n.blas,
      notes,
    };
  };
  const tryWebgpu = async (requireHardware: boolean): Promise<EngineInfo> => {
    const w = await initWebgpu(requireHardware);
    return {
      backend: tf.getBackend(),
      variant: 'webgpu',
      requested: request,
      package: WEBGPU_TFJS_PKG,
      version: w.version,
      tfjsVersion,
      threads: 0,
      simd: false,
      fastMatMulGradient: false,
      adapter: w.adapter,
      notes,
    };
  };
  const tryCpu = async (): Promise<EngineInfo> => {
    if (!(await tf.setBackend('cpu'))) throw new Error("initEngine: tf.setBackend('cpu') failed");
    if (options.quiet) (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return {
      backend: tf.getBackend(),
      variant: 'cpu',
      requested: request,
      package: CPU_PKG,
      version: tfjsVersion,
      tfjsVersion,
      threads: 1,
      simd: false,
      fastMatMulGradient: false,
      notes,
    };
  };

  if (request === 'tensorflow' || request === 'tensorflow-gpu') info = await tryTensorflow(request);
  else if (request === 'webgpu') info = await tryWebgpu(false);
  else if (request === 'native') info = await tryNative();
  else if (request === 'wasm') info = await tryWasm();
  else if (request === 'cpu') info = await tryCpu();
  else {
    for (const r of ['tensorflow-gpu', 'webgpu', 'tensorflow'] as const) {
      try {
        info = r === 'webgpu' ? await tryWebgpu(true) : await tryTensorflow(r);
        break;
      } catch (e) {
        if (!isNotFoundMessage(e)) notes.push(`auto: ${r} unavailable (${firstSentence(errMessage(e))})`);
      }
    }
    if (info === null) {
      try {
        info = await tryNative();
      } catch (e) {
        notes.push(`auto: native unavailable (${firstSentence(errMessage(e))})`);
      }
    }
    if (info === null) {
      try {
        info = await tryWasm();
      } catch (e) {
        notes.push(`auto: wasm unavailable (${errMessage(e)})`);
        info = await tryCpu();
      }
    }
  }

  const fast = options.fastMatMulGradient ?? info.backend === 'wasm';
  if (fast) installFastMatMulGradient();
  info.fastMatMulGradient = fast;
  state.current = info;
  if (!options.quiet) console.error(summary(info));
  return getEngineInfo() as EngineInfo;
}

function isNotFoundMessage(e: unknown): boolean {
  return /which is not installed/.test(errMessage(e));
}

function firstSentence(s: string): string {
  const i = s.indexOf('. ');
  return i < 0 ? s : s.slice(0, i);
}

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
