/**
 * The wasm heap: a single wasm32 linear memory, capped at 4 GB and never shrinking.
 *
 * Peak use during a training step is ≈ 7× the live tensors (the tape keeps forward intermediates,
 * composite ops make temporaries). When the cap is hit, single-threaded wasm aborts with
 * `RuntimeError: Aborted()`, but the **threaded build hangs at 100% CPU** instead (docs/guide/architecture.md#wasm-engine).
 * Call {@link assertWasmHeapBelow} between steps to fail fast instead of hanging.
 */
import * as tf from '@tensorflow/tfjs';

/** `getHeapMax()` of the 4.22.0 wasm builds: 4 GiB minus one 64 KiB page. */
export const WASM_HEAP_MAX_BYTES = 4294901760;

interface WasmModuleLike {
  HEAPU8?: Uint8Array;
  wasmMemory?: { buffer: ArrayBufferLike };
}

/**
 * Current size of the wasm heap in bytes (grows on demand, never shrinks), or `null` when the wasm
 * backend has not been initialised in this process.
 *
 * @example
 * const bytes = wasmHeapBytes(); // e.g. 16777216 right after initEngine({ backend: 'wasm' })
 */
export function wasmHeapBytes(): number | null {
  const registry = (tf.engine() as unknown as { registry: Record<string, { wasm?: WasmModuleLike }> })
    .registry;
  const wasm = registry.wasm?.wasm;
  if (wasm === undefined) return null;
  const mem = wasm.wasmMemory?.buffer.byteLength;
  return mem ?? wasm.HEAPU8?.buffer.byteLength ?? null;
}

/**
 * Throw (instead of hanging later) when the wasm heap has grown past `fraction` of its 4 GB cap.
 * No-op when wasm is not initialised.
 *
 * @param fraction of {@link WASM_HEAP_MAX_BYTES}, default 0.85.
 * @example
 * assertWasmHeapBelow(0.85); // call between training steps
 */
export function assertWasmHeapBelow(fraction = 0.85): void {
  if (!(fraction > 0 && fraction <= 1))
    throw new Error(`assertWasmHeapBelow: fraction must be in (0, 1], got ${fraction}`);
  const bytes = wasmHeapBytes();
  if (bytes !== null && bytes > fraction * WASM_HEAP_MAX_BYTES) {
    throw new Error(
      `wasm heap is ${(bytes / 2 ** 30).toFixed(2)} GiB, above ${fraction} of the 4 GiB cap; ` +
        'the threaded build hangs (single-threaded aborts) when the cap is reached: reduce batch size or model size',
    );
  }
}
