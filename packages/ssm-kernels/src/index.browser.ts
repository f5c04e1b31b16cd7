/**
 * The browser entry of `@bigs/ssm-kernels` (package.json `browser` condition): the kernels, convolutions, dense
 * and fused ops of the main entry, with the browser `initEngine` (wasm or cpu) in place of the Node engine set-up.
 */
// Registers every JS kernel and gradient before anything runs (see register-kernels.ts; listed in sideEffects).
import './register-kernels.js';

export * from './conv/index.js';
export * from './dense/index.js';
export { BROWSER_BACKEND_REQUESTS, getEngineInfo, initEngine } from './engine/init-engine.browser.js';
export type {
  BackendAvailability,
  BackendRequest,
  EngineInfo,
  EngineVariant,
  InitEngineOptions,
} from './engine/init-engine.js';
export { UNSORTED_SEGMENT_SUM, unsortedSegmentSumValues } from './engine/register-unsorted-segment-sum.js';
export { assertWasmHeapBelow, WASM_HEAP_MAX_BYTES, wasmHeapBytes } from './engine/wasm-heap.js';
export * from './fused/index.js';
export * from './kernel/index.js';
