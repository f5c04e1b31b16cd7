/**
 * The `webgpu` engine: tfjs-backend-webgpu on `navigator.gpu` — the browser's, or in Node the one the
 * optional `webgpu` package (Dawn) creates. Finds an adapter, says which it is (a software adapter such as
 * SwiftShader is flagged, and `auto` skips it), registers the project's WGSL kernels, switches tfjs to it
 * and checks a matmul against float64 JS before anyone trains on it.
 */
import * as tf from '@tensorflow/tfjs';
import { matmulError, matmulProbe } from './self-check.js';

/** The adapter the `webgpu` engine runs on, as it describes itself (`GPUAdapterInfo`). */
export interface WebgpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU (software) implementation: `isFallbackAdapter`, or a known software driver by name. */
  software: boolean;
  /** Where `navigator.gpu` came from: the browser (or host) or the `webgpu` npm package (Dawn). */
  source: 'navigator.gpu' | 'webgpu (Dawn)';
}

/** What {@link initWebgpu} set up. */
export interface WebgpuSetup {
  /** tfjs-backend-webgpu's version. */
  version: string;
  adapter: WebgpuAdapterInfo;
}

/** The optional Node package that provides `navigator.gpu` (Dawn). */
export const WEBGPU_NODE_PKG = 'webgpu';
/** The version of {@link WEBGPU_NODE_PKG} this project is tested with. */
export const WEBGPU_NODE_VERSION = '0.6.2';
/** The tfjs backend package (a dependency, pinned to tfjs's version). */
export const WEBGPU_TFJS_PKG = '@tensorflow/tfjs-backend-webgpu';

type Importer = (specifier: string) => Promise<unknown>;
const defaultImport: Importer = (specifier) => import(/* @vite-ignore */ specifier);
let importOptional: Importer = defaultImport;

/** Testing only: replace how the optional `webgpu` package is imported (`null` restores it); forgets Dawn's GPU. */
export function setWebgpuImporterForTesting(importer: Importer | null): void {
  importOptional = importer ?? defaultImport;
  dawn = null;
}

const SOFTWARE_DRIVER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hostGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? undefined;
}

/** Puts `gpu` on `globalThis.navigator` (Node ≥ 21 has a `navigator` object without `gpu`; Node 20 has none). */
function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

interface GpuSource {
  gpu: GPU;
  source: WebgpuAdapterInfo['source'];
  /** Dawn only: the WebGPU globals (GPUBufferUsage, GPUMapMode, …) a browser would have. */
  globals?: object;
}
let dawn: Promise<GpuSource> | null = null;

/**
 * `navigator.gpu` if the host has one, else one created from the `webgpu` package (once per process). Nothing
 * global is touched here: probing for an adapter must not make Node look like a browser to other libraries.
 */
function obtainGpu(): Promise<GpuSource> {
  const existing = hostGpu();
  if (existing !== undefined) return Promise.resolve({ gpu: existing, source: 'navigator.gpu' });
  dawn ??= (async () => {
    let mod: { create: (options: string[]) => GPU; globals: object };
    try {
      mod = (await importOptional(WEBGPU_NODE_PKG)) as typeof mod;
    } catch (e) {
      dawn = null;
      throw new Error(
        `initEngine: backend 'webgpu' needs navigator.gpu; in Node it comes from the optional package ` +
          `${WEBGPU_NODE_PKG} (Dawn), which ${/Cannot find|ERR_MODULE_NOT_FOUND|Failed to load/.test(errMessage(e)) ? 'is not installed' : `failed to load (${errMessage(e)})`}. ` +
          `Add it with \`pnpm add ${WEBGPU_NODE_PKG}@${WEBGPU_NODE_VERSION}\`, or choose another backend ('auto', 'native', 'wasm', 'cpu').`,
      );
    }
    return { gpu: mod.create([]), source: 'webgpu (Dawn)' as const, globals: mod.globals };
  })();
  return dawn;
}

/** Asks for the high-performance adapter and describes it; throws with a reason when there is none. */
export async function probeWebgpuAdapter(): Promise<WebgpuAdapterInfo> {
  const { gpu, source } = await obtainGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new Error(
      `initEngine: backend 'webgpu' found no adapter through ${source}` +
        (source === 'webgpu (Dawn)'
          ? ' (Dawn needs a Vulkan, Metal or D3D12 driver: on Linux the Vulkan loader libvulkan.so.1 and an ICD; ' +
            'for a software adapter point VK_ICD_FILENAMES at SwiftShader, e.g. /usr/lib/chromium/vk_swiftshader_icd.json)'
          : '') +
        ". Choose another backend ('auto', 'native', 'wasm', 'cpu').",
    );
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const fields = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
  const fallback =
    info?.isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software = fallback || SOFTWARE_DRIVER.test(Object.values(fields).join(' '));
  return { ...fields, software, source };
}

/** One line naming the adapter, e.g. `google swiftshader (SwiftShader driver 5.0.0, software)`. */
export function describeAdapter(a: WebgpuAdapterInfo): string {
  const name = [a.vendor, a.architecture].filter((s) => s !== '').join(' ') || 'unnamed adapter';
  const detail = [a.description || a.device, a.software ? 'software' : ''].filter((s) => s !== '');
  return `${name}${detail.length ? ` (${detail.join(', ')})` : ''}`;
}

/**
 * Whether `webgpu` can run here, checked by asking for an adapter (tfjs is not switched). A software adapter
 * is available to an explicit `backend: 'webgpu'`; the reason says that `auto` skips it.
 */
export async function webgpuAvailability(): Promise<{ available: boolean; reason: string }> {
  try {
    const a = await probeWebgpuAdapter();
    return a.software
      ? { available: true, reason: `software adapter ${describeAdapter(a)}; 'auto' skips it` }
      : { available: true, reason: `adapter ${describeAdapter(a)}` };
  } catch (e) {
    return { available: false, reason: errMessage(e) };
  }
}

/** Matmul on the active backend vs float64 JS, read asynchronously (webgpu has no `dataSync` in Node). */
async function webgpuSelfCheck(forceFail: boolean): Promise<void> {
  const p = matmulProbe(67, 131, 45);
  const prod = tf.tidy(() => tf.matMul(tf.tensor2d(p.a, [p.m, p.k]), tf.tensor2d(p.b, [p.k, p.n]))); // [M, N]
  const got = await prod.data();
  prod.dispose();
  const worst = forceFail ? Number.POSITIVE_INFINITY : matmulError(p, got);
  if (!(worst < 1e-4)) throw new Error(`webgpu self-check failed (max relative error ${worst})`);
}

/** tfjs-backend-webgpu's `readSync` needs OffscreenCanvas, which Node lacks: say so instead of a ReferenceError. */
function explainReadSync(): void {
  const backend = tf.backend() as unknown as { readSync: (dataId: object) => unknown; bigsPatched?: boolean };
  if (
    backend.bigsPatched ||
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined'
  )
    return;
  const original = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    try {
      return original(dataId);
    } catch (e) {
      if (!/OffscreenCanvas/.test(errMessage(e))) throw e;
      throw new Error(
        'webgpu backend: synchronous reads (dataSync, arraySync, bufferSync) need OffscreenCanvas, which Node does not have; ' +
          'read with `await tensor.data()` / `await tensor.array()` instead.',
      );
    }
  };
  backend.bigsPatched = true;
}

/**
 * Registers and selects backend `webgpu`, then runs the self-check (on failure the previous backend is
 * restored). With `requireHardware`, a software adapter is refused (what `auto` asks for).
 */
export async function initWebgpu(requireHardware: boolean, forceFail = false): Promise<WebgpuSetup> {
  const adapter = await probeWebgpuAdapter();
  if (requireHardware && adapter.software) {
    throw new Error(`webgpu has only a software adapter here: ${describeAdapter(adapter)}`);
  }
  const host = await obtainGpu();
  if (host.source === 'webgpu (Dawn)') {
    // tfjs-backend-webgpu reads navigator.gpu and the WebGPU globals (GPUBufferUsage, …) as in a browser.
    for (const [name, value] of Object.entries(host.globals ?? {})) {
      if (!(name in globalThis))
        Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    installNavigatorGpu(host.gpu);
  }
  // Imported only now: it registers the backend at import time when navigator.gpu exists.
  const mod = await import('@tensorflow/tfjs-backend-webgpu');
  (await import('../webgpu/register-webgpu-kernels.js')).registerWebgpuSsmKernels(mod.webgpu_util);
  const previous = tf.getBackend();
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    throw new Error(`initEngine: tf.setBackend('webgpu') failed (${errMessage(e)})`);
  }
  if (!ok) throw new Error(`initEngine: tf.setBackend('webgpu') failed on ${describeAdapter(adapter)}`);
  try {
    explainReadSync();
    await webgpuSelfCheck(forceFail);
  } catch (e) {
    if (previous !== undefined && previous !== 'webgpu') await tf.setBackend(previous);
    throw e;
  }
  // The package exports no version; package.json pins it to tfjs's own version.
  return { version: tf.version_core, adapter };
}
