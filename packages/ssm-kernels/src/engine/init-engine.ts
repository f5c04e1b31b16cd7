/**
 * Engine set-up: which tfjs backend runs, with how many threads, and our kernels/gradients for it.
 *
 * Library code never picks a backend; apps and tests call {@link initEngine} once at start-up. The parts live
 * beside this file: options and vocabulary (engine-options.ts), process-wide state (engine-state.ts), each
 * engine (tfjs-node-engine.ts, webgpu-engine.ts, native-engine.ts, wasm-engine.ts) and what could run here
 * without initialising anything (availability.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installFastMatMulGradient } from '../dense/batch-matmul-grad.js';
import { errMessage, firstSentence, isNotFoundMessage } from './engine-errors.js';
import {
  type BackendRequest,
  CPU_PKG,
  type EngineInfo,
  type InitEngineOptions,
  NATIVE_PKG,
  NODE_CPU,
  NODE_GPU,
  parseRequest,
  parseThreads,
  WASM_PKG,
} from './engine-options.js';
import { getEngineInfo, state } from './engine-state.js';
import { initNative } from './native-engine.js';
import { initTensorflow } from './tfjs-node-engine.js';
import { initWasm } from './wasm-engine.js';
import { describeAdapter, initWebgpu, WEBGPU_TFJS_PKG } from './webgpu-engine.js';

export { listAvailableBackends } from './availability.js';
export {
  BACKEND_REQUESTS,
  type BackendAvailability,
  type BackendRequest,
  type EngineInfo,
  type EngineVariant,
  type InitEngineOptions,
} from './engine-options.js';
export { getEngineInfo } from './engine-state.js';
export { setOptionalImporterForTesting } from './tfjs-node-engine.js';

/** What every engine's {@link EngineInfo} shares: the request, versions and the notes so far. */
interface Attempt {
  request: BackendRequest;
  threads: number;
  explicit: boolean;
  notes: string[];
  options: InitEngineOptions;
}

/** The EngineInfo fields every engine fills the same way (the active backend, tfjs version, no extras). */
function baseInfo(
  a: Attempt,
): Pick<EngineInfo, 'backend' | 'requested' | 'tfjsVersion' | 'fastMatMulGradient'> {
  return {
    backend: tf.getBackend(),
    requested: a.request,
    tfjsVersion: tf.version_core,
    fastMatMulGradient: false,
  };
}

async function tryTensorflow(a: Attempt, r: 'tensorflow' | 'tensorflow-gpu'): Promise<EngineInfo> {
  const version = await initTensorflow(r);
  const pkg = r === 'tensorflow-gpu' ? NODE_GPU : NODE_CPU;
  return { ...baseInfo(a), variant: r, package: pkg, version, threads: 0, simd: false, notes: a.notes };
}

async function tryWasm(a: Attempt): Promise<EngineInfo> {
  const w = await initWasm(a.threads, a.explicit, a.options);
  return {
    ...baseInfo(a),
    variant: w.variant,
    package: WASM_PKG,
    version: version_wasm,
    threads: w.threads,
    simd: w.simd,
    notes: [...a.notes, ...w.notes],
  };
}

async function tryNative(a: Attempt): Promise<EngineInfo> {
  const n = await initNative(a.threads, a.options.debugFailNative === true);
  return {
    ...baseInfo(a),
    variant: 'native',
    package: NATIVE_PKG,
    version: n.version,
    threads: n.threads,
    simd: false,
    blas: n.blas,
    notes: a.notes,
  };
}

async function tryWebgpu(a: Attempt, requireHardware: boolean): Promise<EngineInfo> {
  const w = await initWebgpu(requireHardware);
  return {
    ...baseInfo(a),
    variant: 'webgpu',
    package: WEBGPU_TFJS_PKG,
    version: w.version,
    threads: 0,
    simd: false,
    adapter: w.adapter,
    notes: a.notes,
  };
}

async function tryCpu(a: Attempt): Promise<EngineInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error("initEngine: tf.setBackend('cpu') failed");
  if (a.options.quiet) (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const version = tf.version_core;
  return {
    ...baseInfo(a),
    variant: 'cpu',
    package: CPU_PKG,
    version,
    threads: 1,
    simd: false,
    notes: a.notes,
  };
}

/** `auto`: the first of tensorflow-gpu, webgpu (hardware adapter), tensorflow, native, wasm, cpu that works. */
async function tryAuto(a: Attempt): Promise<EngineInfo> {
  for (const r of ['tensorflow-gpu', 'webgpu', 'tensorflow'] as const) {
    try {
      return r === 'webgpu' ? await tryWebgpu(a, true) : await tryTensorflow(a, r);
    } catch (e) {
      if (!isNotFoundMessage(e)) a.notes.push(`auto: ${r} unavailable (${firstSentence(errMessage(e))})`);
    }
  }
  try {
    return await tryNative(a);
  } catch (e) {
    a.notes.push(`auto: native unavailable (${firstSentence(errMessage(e))})`);
  }
  try {
    return await tryWasm(a);
  } catch (e) {
    a.notes.push(`auto: wasm unavailable (${errMessage(e)})`);
    return tryCpu(a);
  }
}

/** Initialise what `a.request` names. */
function tryRequest(a: Attempt): Promise<EngineInfo> {
  switch (a.request) {
    case 'tensorflow':
    case 'tensorflow-gpu':
      return tryTensorflow(a, a.request);
    case 'webgpu':
      return tryWebgpu(a, false);
    case 'native':
      return tryNative(a);
    case 'wasm':
      return tryWasm(a);
    case 'cpu':
      return tryCpu(a);
    default:
      return tryAuto(a);
  }
}

/** The one-line engine summary printed on stderr. */
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
  const info = await tryRequest({ request, threads, explicit, notes, options });
  const fast = options.fastMatMulGradient ?? info.backend === 'wasm';
  if (fast) installFastMatMulGradient();
  info.fastMatMulGradient = fast;
  state.current = info;
  if (!options.quiet) console.error(summary(info));
  return getEngineInfo() as EngineInfo;
}
