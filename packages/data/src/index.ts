export const VERSION = '0.1.0';
export * from './tokenizer/index.js';
export * from './embedded/index.js';
