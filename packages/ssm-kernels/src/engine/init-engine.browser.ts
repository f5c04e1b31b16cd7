/**
 * Engine set-up in a browser (the `browser` entry of `@bigs/ssm-kernels`): the same `initEngine` call as under
 * Node, for the backends a page has — WebGPU (tfjs-backend-webgpu on `navigator.gpu`, loaded only when asked
 * for), tfjs-backend-wasm (single-threaded) and the pure-JS cpu backend. The Node engines (tfjs-node, the native
 * addon, the wasm thread shim) need Node and are not in this entry.
 *
 * The `.wasm` binaries are fetched at run time: serve the files of `@tensorflow/tfjs-backend-wasm/dist/*.wasm`
 * and call `setWasmPaths(prefix)` of `@tensorflow/tfjs-backend-wasm` before `initEngine`.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installFastMatMulGradient } from '../dense/batch-matmul-grad.js';
import type { BackendRequest, EngineInfo, InitEngineOptions } from './init-engine.js';
import { describeAdapter, initWebgpu, type WebgpuSetup } from './webgpu-engine.js';

/** The backends `initEngine` accepts in a browser: `auto` = webgpu (hardware adapter), else wasm, else cpu. */
export const BROWSER_BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm', 'cpu'];

type BrowserVariant = 'webgpu' | 'wasm' | 'cpu';

const STATE_KEY = Symbol.for('@bigs/ssm-kernels/engine');
interface BrowserState {
  current: EngineInfo | null;
}
function pageState(): BrowserState {
  const g = globalThis as Record<symbol, BrowserState | undefined>;
  g[STATE_KEY] ??= { current: null };
  return g[STATE_KEY];
}

/** Info of the last successful {@link initEngine}, or `null` before the first. */
export function getEngineInfo(): EngineInfo | null {
  const c = pageState().current;
  return c === null ? null : { ...c, notes: [...c.notes] };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function initWasm(): Promise<void> {
  // Threads need SharedArrayBuffer (a cross-origin-isolated page) and a worker script; this entry runs one thread.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error(
      "tf.setBackend('wasm') failed: are the .wasm files served where setWasmPaths() of @tensorflow/tfjs-backend-wasm points?",
    );
  }
}

/**
 * Choose and initialise the tfjs backend of this page and register our kernels for it: `wasm`
 * (tfjs-backend-wasm, one thread, SIMD when the browser has it), `cpu` (pure JS, slow), or `auto` (wasm, else cpu
 * with the reason in `notes`). Node-only requests (`tensorflow`, `tensorflow-gpu`, `native`) are an Error naming
 * what a browser has. The one-line summary goes to `console.info` unless `quiet`.
 *
 * @example
 * setWasmPaths('/wasm/'); // from '@tensorflow/tfjs-backend-wasm': where the .wasm files are served
 * const info = await initEngine({ backend: 'wasm' });
 * info.variant; // 'wasm'
 */
export async function initEngine(options: InitEngineOptions = {}): Promise<EngineInfo> {
  const requested = options.backend ?? 'auto';
  if (!BROWSER_BACKEND_REQUESTS.includes(requested)) {
    throw new Error(
      `initEngine: backend '${String(requested)}' is not available in a browser; use one of ${BROWSER_BACKEND_REQUESTS.join(', ')}`,
    );
  }
  const notes: string[] = [];
  const { variant, gpu } = await chooseBackend(requested, notes);
  const simd = variant === 'wasm' && Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const fast = options.fastMatMulGradient ?? variant === 'wasm';
  if (fast) installFastMatMulGradient();
  const info: EngineInfo = {
    backend: tf.getBackend(),
    variant,
    requested,
    package: `@tensorflow/tfjs-backend-${variant}`,
    version: variant === 'wasm' ? version_wasm : tf.version_core,
    tfjsVersion: tf.version_core,
    threads: variant === 'wasm' ? getThreadsCount() : 1,
    simd,
    fastMatMulGradient: fast,
    notes,
    ...(gpu ? { adapter: gpu.adapter } : {}),
  };
  pageState().current = info;
  if (!options.quiet) {
    console.info(
      `[bigs] engine: ${info.variant} (${info.package}@${info.version}, ` +
        (gpu ? `adapter ${describeAdapter(gpu.adapter)})` : `${info.threads} thread(s), simd ${simd})`) +
        (notes.length ? ` — ${notes.join('; ')}` : ''),
    );
  }
  return getEngineInfo() as EngineInfo;
}

/**
 * The first backend of the request that works: `webgpu` (for `auto` only on a hardware adapter), `wasm`, `cpu`.
 * An explicitly requested backend that fails is an Error; `auto` records why it moved on in `notes`.
 */
async function chooseBackend(
  requested: BackendRequest,
  notes: string[],
): Promise<{ variant: BrowserVariant; gpu?: WebgpuSetup }> {
  if (requested === 'webgpu' || requested === 'auto') {
    try {
      return { variant: 'webgpu', gpu: await initWebgpu(requested === 'auto') };
    } catch (e) {
      if (requested === 'webgpu') throw new Error(`initEngine: ${message(e)}`);
      notes.push(`auto: webgpu unavailable (${message(e)})`);
    }
  }
  if (requested !== 'cpu') {
    try {
      await initWasm();
      return { variant: 'wasm' };
    } catch (e) {
      if (requested === 'wasm') throw new Error(`initEngine: ${message(e)}`);
      notes.push(`auto: wasm unavailable (${message(e)})`);
    }
  }
  if (!(await tf.setBackend('cpu'))) throw new Error("initEngine: tf.setBackend('cpu') failed");
  return { variant: 'cpu' };
}
