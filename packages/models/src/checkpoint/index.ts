export * from './flax-msgpack.js';
export * from './from-files.js';
export * from './load-state.js';
export * from './name-map.js';
export * from './pretrained.js';
