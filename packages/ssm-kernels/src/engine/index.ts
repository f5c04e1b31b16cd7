export {
  BACKEND_REQUESTS,
  type BackendAvailability,
  type BackendRequest,
  type EngineInfo,
  type EngineVariant,
  getEngineInfo,
  type InitEngineOptions,
  initEngine,
  listAvailableBackends,
} from './init-engine.js';
export { nativeUnavailable as nativeEngineUnavailable } from './native-engine.js';
export { UNSORTED_SEGMENT_SUM, unsortedSegmentSumValues } from './register-unsorted-segment-sum.js';
export { assertWasmHeapBelow, WASM_HEAP_MAX_BYTES, wasmHeapBytes } from './wasm-heap.js';
export { WASM_THREADS_SHIM_VERSION } from './wasm-threads.js';
export {
  describeAdapter as describeWebgpuAdapter,
  type WebgpuAdapterInfo,
  webgpuAvailability as webgpuEngineAvailability,
} from './webgpu-engine.js';
