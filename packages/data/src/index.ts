export const VERSION = '0.1.0';
export * from './embedded/index.js';
export * from './glue/index.js';
export * from './pipeline/index.js';
export * from './readers/index.js';
export * from './shards/index.js';
export * from './tokenizer/index.js';
