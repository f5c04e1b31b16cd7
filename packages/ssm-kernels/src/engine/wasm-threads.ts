/**
 * Multi-threaded wasm in Node: a guarded shim around `@tensorflow/tfjs-backend-wasm@4.22.0`.
 *
 * tfjs 4.22 hard-disables wasm threads in Node (flag `WASM_HAS_MULTITHREAD_SUPPORT` is false when
 * `IS_NODE`), and forcing the flag fails because emscripten is handed `blob:` URLs that Node's
 * `Worker` rejects. This module makes the threaded SIMD build load anyway:
 *
 * 1. `globalThis.Blob` is replaced by a subclass that remembers its string parts.
 * 2. `URL.createObjectURL` writes such blobs to temp `.js` files and returns their absolute path.
 * 3. The pthread worker text is patched to `importScripts(<main script temp file>)` instead of the
 *    blob branch, and the main script (the threaded factory's `toString()`) is prefixed with the
 *    rollup-renamed `require$$N` bindings it refers to.
 * 4. `os.cpus()` returns a longer array while the backend initialises (the C++ side caps threads at
 *    `num_logical_cores / 2`), `WASM_HAS_MULTITHREAD_SUPPORT` is forced and `setThreadsCount(n)` is called.
 *
 * Everything is restored after initialisation (the temp files stay until process exit because new
 * pthread workers may be spawned later). The shim depends on internals of the 4.22.0 bundle and
 * refuses other versions. See docs/guide/architecture.md#wasm-engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** The only tfjs-backend-wasm version whose bundle internals the shim was written against. */
export const WASM_THREADS_SHIM_VERSION = '4.22.0';

/** The worker's blob branch in the 4.22.0 bundle, replaced by a plain `importScripts(path)`. */
const WORKER_BLOB_BRANCH =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';
const WORKER_MARKER = 'WasmBackendModuleThreadedSimd(Module)';
const MAIN_MARKER = 'var WasmBackendModuleThreadedSimd = ';
/** Bindings the rollup bundle renamed; the factory's `toString()` refers to them. */
const MAIN_PRELUDE =
  "var require$$0=require('fs'),require$$1=require('path'),require$$2=require('worker_threads')," +
  "require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;\n";
const KNOWN_BINDINGS = new Set(['require$$0', 'require$$1', 'require$$2', 'require$$3', 'require$$4']);

let tempDir: string | null = null;

function tempFile(name: string, text: string): string {
  if (tempDir === null) {
    const dir = mkdtempSync(join(os.tmpdir(), 'bigs-wasm-mt-'));
    tempDir = dir;
    process.once('exit', () => {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort: a temp dir left behind is harmless
      }
    });
  }
  const path = join(tempDir, name);
  writeFileSync(path, text);
  return path;
}

/** State captured by {@link installWasmThreadsShim}; pass it to the returned `restore`. */
export interface WasmThreadsShim {
  /** Undo every global patch (Blob, URL.createObjectURL, os.cpus). Idempotent. */
  restore(): void;
  /** Problems seen while the bundle was being patched (empty when all went as expected). */
  problems: string[];
}

/**
 * Patch the globals so the next `tf.setBackend('wasm')` loads the threaded SIMD build with `threads`
 * threads. Call `restore()` right after `setBackend` settles (success or failure).
 *
 * @param threads requested XNNPACK threads (≥ 2; the caller clamps it to the real core count).
 * @param wasmVersion the installed `@tensorflow/tfjs-backend-wasm` version; anything but 4.22.0 throws.
 * @example
 * const shim = installWasmThreadsShim(2, version_wasm);
 * try { await tf.setBackend('wasm'); } finally { shim.restore(); }
 */
export function installWasmThreadsShim(threads: number, wasmVersion: string): WasmThreadsShim {
  if (wasmVersion !== WASM_THREADS_SHIM_VERSION) {
    throw new Error(
      `wasm threads shim: @tensorflow/tfjs-backend-wasm is ${wasmVersion}, the shim supports only ` +
        `${WASM_THREADS_SHIM_VERSION} (it patches that bundle's internals)`,
    );
  }
  if (!Number.isInteger(threads) || threads < 2) {
    throw new Error(`wasm threads shim: threads must be an integer >= 2, got ${threads}`);
  }
  const problems: string[] = [];
  const OrigBlob = globalThis.Blob;
  const origCreateObjectURL = URL.createObjectURL;
  const origCpus = os.cpus;
  let mainPath: string | null = null;

  class TextBlob extends OrigBlob {
    readonly textParts: string | null;
    constructor(
      parts?: ConstructorParameters<typeof Blob>[0],
      options?: ConstructorParameters<typeof Blob>[1],
    ) {
      super(parts ?? [], options);
      this.textParts = parts?.every((p) => typeof p === 'string') ? (parts as string[]).join('') : null;
      if (this.textParts?.startsWith(MAIN_MARKER)) {
        const used = new Set(this.textParts.match(/require\$\$\d+/g) ?? []);
        const unknown = [...used].filter((u) => !KNOWN_BINDINGS.has(u));
        if (unknown.length > 0) problems.push(`main script refers to unknown bindings ${unknown.join(', ')}`);
        mainPath = tempFile('tfjs-backend-wasm-threaded-simd.main.js', MAIN_PRELUDE + this.textParts);
      }
    }
  }

  const createObjectURL = (obj: Blob): string => {
    if (obj instanceof TextBlob && obj.textParts !== null) {
      let text = obj.textParts;
      if (text.includes(WORKER_MARKER)) {
        if (mainPath === null) {
          problems.push('worker requested before the main script blob was created');
        } else if (!text.includes(WORKER_BLOB_BRANCH)) {
          problems.push('worker text does not contain the expected blob branch (bundle changed?)');
        } else {
          text = text.replace(WORKER_BLOB_BRANCH, `importScripts(${JSON.stringify(mainPath)});`);
        }
        return tempFile('tfjs-backend-wasm-threaded-simd.worker.js', text);
      }
      return tempFile(`blob-${Date.now()}-${Math.random().toString(36).slice(2)}.js`, text);
    }
    return origCreateObjectURL.call(URL, obj);
  };

  globalThis.Blob = TextBlob as typeof Blob;
  URL.createObjectURL = createObjectURL as typeof URL.createObjectURL;
  // The C++ side uses min(requested, num_logical_cores / 2) threads; report 2·threads cores.
  os.cpus = () => {
    const real = origCpus();
    const first = real[0];
    if (first === undefined) return real;
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length] ?? first);
  };

  let restored = false;
  return {
    problems,
    restore() {
      if (restored) return;
      restored = true;
      globalThis.Blob = OrigBlob;
      URL.createObjectURL = origCreateObjectURL;
      os.cpus = origCpus;
    },
  };
}

/** Minimal view of the emscripten pthread bookkeeping we touch. */
interface PThreadLike {
  unusedWorkers?: Array<{ unref?: () => void }>;
  runningWorkers?: Array<{ unref?: () => void }>;
  allocateUnusedWorker?: () => void;
}

/**
 * Let the process exit while pthread workers are idle: emscripten does not `unref()` its Node
 * workers, so without this a script that used wasm-mt never ends. New workers allocated later are
 * unref'd too. The main thread blocks on every threaded op, so unref'd workers are never cut off mid-op.
 */
export function unrefWasmWorkers(module: { PThread?: PThreadLike } | undefined): void {
  const pt = module?.PThread;
  if (pt === undefined) return;
  const unrefAll = () => {
    for (const w of [...(pt.unusedWorkers ?? []), ...(pt.runningWorkers ?? [])]) w.unref?.();
  };
  unrefAll();
  const alloc = pt.allocateUnusedWorker;
  if (alloc !== undefined && !(alloc as { __bigsUnref?: boolean }).__bigsUnref) {
    const wrapped = function (this: unknown) {
      alloc.call(this);
      unrefAll();
    };
    (wrapped as { __bigsUnref?: boolean }).__bigsUnref = true;
    pt.allocateUnusedWorker = wrapped;
  }
}
