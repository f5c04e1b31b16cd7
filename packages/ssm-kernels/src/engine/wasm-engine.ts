/**
 * The `wasm` engine: tfjs-backend-wasm with XNNPACK threads through the guarded shim (wasm-threads.ts), a matmul
 * self-check, and the fallback to single-threaded wasm. The wasm module and its thread count are process-wide
 * (engine-state.ts).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { errMessage } from './engine-errors.js';
import type { InitEngineOptions } from './engine-options.js';
import { state } from './engine-state.js';
import { matmulError, matmulProbe } from './self-check.js';
import { installWasmThreadsShim, unrefWasmWorkers, WASM_THREADS_SHIM_VERSION } from './wasm-threads.js';

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
  const p = matmulProbe(96, 160, 80);
  const got = tf.tidy(() => tf.matMul(tf.tensor2d(p.a, [p.m, p.k]), tf.tensor2d(p.b, [p.k, p.n])).dataSync()); // [M, N]
  const worst = forceFail ? Number.POSITIVE_INFINITY : matmulError(p, got);
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

export async function initWasm(
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
