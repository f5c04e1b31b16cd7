/**
 * The browser entry of `@bigs/models` (package.json `browser` condition): everything but the file-system
 * parts — models, configs, heads, the safetensors / Flax msgpack formats, and loading a checkpoint from files in
 * memory (`fromPretrainedFiles`). `fromPretrained(dir)`, `savePretrained` and the safetensors file I/O are
 * Node-only and live in the main entry.
 */
export * from './checkpoint/flax-msgpack.js';
export * from './checkpoint/from-files.js';
export * from './checkpoint/load-state.js';
export * from './checkpoint/name-map.js';
export * from './config/index.js';
export * from './model/index.js';
export * from './safetensors/safetensors.js';
