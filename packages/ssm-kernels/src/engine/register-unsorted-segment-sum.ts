/**
 * A JS `UnsortedSegmentSum` kernel for the `wasm` backend (registered by register-kernels.ts).
 *
 * tfjs-backend-wasm 4.22 has no `UnsortedSegmentSum`, and `tf.gather`'s gradient (every embedding
 * lookup) is built on it, so `tf.grad` through `tf.gather` fails on wasm with
 * "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'" (docs/guide/architecture.md#wasm-engine).
 * Semantics follow TensorFlow: `out[seg[i], ...] += x[i, ...]`; ids outside `[0, numSegments)` are dropped.
 * Registration is idempotent and never overrides a kernel that a later tfjs version may ship.
 */
import * as tf from '@tensorflow/tfjs';

/** Name of the tfjs kernel this module provides for wasm. */
export const UNSORTED_SEGMENT_SUM = 'UnsortedSegmentSum';

type Values = Float32Array | Int32Array | Uint8Array;

/** The subset of `BackendWasm` used here: zero-copy heap views and output allocation. */
interface WasmBackendLike {
  typedArrayFromHeap(t: tf.TensorInfo): Values;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Values): tf.TensorInfo;
}

/**
 * Reference implementation on typed arrays (also used by the wasm kernel).
 *
 * @param x `[N·inner]` values, flattened row-major from `[...segShape, ...inner]`.
 * @param segmentIds `[N]` segment of each row.
 * @param inner product of the trailing dimensions of `x` not covered by `segmentIds`.
 * @returns `[numSegments·inner]` sums, same element type as `x`.
 * @example
 * unsortedSegmentSumValues(new Float32Array([1, 2, 3, 4]), new Int32Array([1, 0]), 2, 2) // [3, 4, 1, 2]
 */
export function unsortedSegmentSumValues<T extends Values>(
  x: T,
  segmentIds: Int32Array | Float32Array | Uint8Array,
  inner: number,
  numSegments: number,
): T {
  const Ctor = x.constructor as new (n: number) => T;
  const out = new Ctor(numSegments * inner);
  const rows = segmentIds.length;
  for (let i = 0; i < rows; i++) {
    const s = segmentIds[i] as number;
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] = (out[dst + j] as number) + (x[src + j] as number);
  }
  return out;
}

const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const be = backend as unknown as WasmBackendLike;
  const segRank = segmentIds.shape.length;
  for (let d = 0; d < segRank; d++) {
    if (segmentIds.shape[d] !== x.shape[d]) {
      throw new Error(
        `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
      );
    }
  }
  const innerShape = x.shape.slice(segRank);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  // Copy out of the heap before allocating the output: allocation may grow (and move) the heap.
  const xv = be.typedArrayFromHeap(x).slice();
  const sv = be.typedArrayFromHeap(segmentIds).slice();
  const out = unsortedSegmentSumValues(xv, sv, inner, numSegments);
  return be.makeOutput([numSegments, ...innerShape], x.dtype, undefined, out);
};

/** Registers the kernel for `wasm` unless one exists (idempotent). Called by register-kernels.ts. */
export function registerUnsortedSegmentSum(): void {
  if (tf.getKernel(UNSORTED_SEGMENT_SUM, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: UNSORTED_SEGMENT_SUM, backendName: 'wasm', kernelFunc });
  }
}
