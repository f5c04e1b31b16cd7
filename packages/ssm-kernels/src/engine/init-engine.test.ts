import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  getEngineInfo,
  initEngine,
  listAvailableBackends,
  setOptionalImporterForTesting,
} from './init-engine.js';
import { nativeUnavailable } from './native-engine.js';
import { WASM_HEAP_MAX_BYTES, wasmHeapBytes } from './wasm-heap.js';

describe('initEngine', () => {
  afterEach(() => {
    setOptionalImporterForTesting(null);
    delete process.env.BIGS_BACKEND;
  });

  it('sets the cpu backend', async () => {
    const info = await initEngine({ backend: 'cpu', quiet: true });
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ backend: 'cpu', variant: 'cpu', requested: 'cpu', threads: 1, simd: false });
    expect(info.tfjsVersion).toBe('4.22.0');
    expect(getEngineInfo()?.variant).toBe('cpu');
  });

  it('sets single-threaded wasm (SIMD) and the fast BatchMatMul gradient', async () => {
    const info = await initEngine({ backend: 'wasm', threads: 1, quiet: true });
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({
      backend: 'wasm',
      variant: 'wasm',
      threads: 1,
      simd: true,
      fastMatMulGradient: true,
    });
    expect(info.package).toBe('@tensorflow/tfjs-backend-wasm');
    expect(info.version).toBe('4.22.0');
    const heap = wasmHeapBytes();
    expect(heap).toBeGreaterThan(0);
    expect(heap).toBeLessThanOrEqual(WASM_HEAP_MAX_BYTES);
  });

  it("'auto' without tfjs-node picks native when its addon builds, else wasm, and notes nothing about missing packages", async () => {
    const nativeReason = await nativeUnavailable();
    // CI installs a compiler and BLAS: there the native engine must be picked, not silently skipped.
    if (process.env.BIGS_REQUIRE_NATIVE === '1') expect(nativeReason).toBeNull();
    const info = await initEngine({ backend: 'auto', threads: 1, quiet: true });
    expect(info.requested).toBe('auto');
    expect(info.backend).toBe(nativeReason === null ? 'native' : 'wasm');
    expect(info.notes.join(' ')).not.toMatch(/tfjs-node/);
  });

  it("sets 'native' with its BLAS and threads; a failed self-check makes auto fall through to wasm", async () => {
    if ((await nativeUnavailable()) !== null) return; // a machine without a compiler: covered above
    const info = await initEngine({ backend: 'native', threads: 1, quiet: true });
    expect(tf.getBackend()).toBe('native');
    expect(info).toMatchObject({
      backend: 'native',
      variant: 'native',
      package: '@bigs/tfjs-backend-native',
    });
    expect(info.threads).toBe(1);
    expect(info.blas?.name).toMatch(/^(openblas|mkl|blis|flexiblas|blas|accelerate|custom|built-in)$/);
    await expect(initEngine({ backend: 'native', quiet: true, debugFailNative: true })).rejects.toThrow(
      /native self-check failed/,
    );
    const auto = await initEngine({ backend: 'auto', threads: 1, quiet: true, debugFailNative: true });
    expect(auto.backend).toBe('wasm');
    expect(auto.notes.join(' ')).toMatch(/auto: native unavailable \(native self-check failed/);
  });

  it('honours BIGS_BACKEND when the request is auto', async () => {
    process.env.BIGS_BACKEND = 'cpu';
    expect((await initEngine({ quiet: true })).backend).toBe('cpu');
    // an explicit request wins over the environment
    expect((await initEngine({ backend: 'wasm', threads: 1, quiet: true })).backend).toBe('wasm');
    process.env.BIGS_BACKEND = 'gpu-please';
    await expect(initEngine({ quiet: true })).rejects.toThrow(
      /BIGS_BACKEND must be one of .*got 'gpu-please'/,
    );
  });

  it.each([
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const)("'%s' when absent throws a message naming %s", async (backend, pkg) => {
    const err = await initEngine({ backend, quiet: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain(`${pkg}, which is not installed`);
    expect(msg).toContain(`pnpm add ${pkg}@4.22.0`);
    expect(msg).toMatch(/'wasm'.*'cpu'.*'auto'/);
  });

  it('reports a tfjs-node that is present but fails to load, and auto falls through to wasm', async () => {
    setOptionalImporterForTesting(async (spec) => {
      throw new Error(`libtensorflow.so.2: cannot open shared object file (${spec})`);
    });
    await expect(initEngine({ backend: 'tensorflow', quiet: true })).rejects.toThrow(
      /@tensorflow\/tfjs-node, which failed to load \(libtensorflow/,
    );
    const info = await initEngine({ backend: 'auto', threads: 1, quiet: true });
    expect(info.backend).toBe((await nativeUnavailable()) === null ? 'native' : 'wasm');
    expect(info.notes.join(' ')).toMatch(/auto: tensorflow-gpu unavailable/);
  });

  it('refuses a different explicit thread count once wasm runs, and reuses it for wasm', async () => {
    await initEngine({ backend: 'wasm', threads: 1, quiet: true });
    // 'auto' and equal counts reuse the process-wide module
    expect((await initEngine({ backend: 'wasm', quiet: true })).threads).toBe(1);
    if (tf.env().platform !== undefined && (await import('node:os')).default.cpus().length >= 2) {
      await expect(initEngine({ backend: 'wasm', threads: 2, quiet: true })).rejects.toThrow(
        /already runs with 1 thread\(s\) in this process/,
      );
    }
  });

  it('validates its options', async () => {
    await expect(initEngine({ backend: 'webgl' as never, quiet: true })).rejects.toThrow(
      /backend must be one of/,
    );
    await expect(initEngine({ backend: 'wasm', threads: 0, quiet: true })).rejects.toThrow(
      /positive integer/,
    );
  });

  it('lists available backends without initialising tfjs-node', async () => {
    const list = await listAvailableBackends();
    const byName = Object.fromEntries(list.map((b) => [b.variant, b]));
    expect(byName.tensorflow?.available).toBe(false);
    expect(byName['tensorflow-gpu']?.reason).toMatch(/not installed/);
    expect(byName.cpu?.available).toBe(true);
    expect(byName.wasm).toBeDefined();
    expect(byName.native?.available).toBe((await nativeUnavailable()) === null);
  });
});
