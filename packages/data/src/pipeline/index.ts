export * from './batch.js';
export * from './bert-adapter.js';
export * from './hdf5.js';
export * from './masking.js';
export * from './packing.js';
export * from './sentences.js';
export * from './tokenizer.js';
