export * from './read.js';
export * from './tasks.js';
export * from './tsv.js';
export * from './types.js';
