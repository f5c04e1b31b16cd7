export * from './drift.js';
export * from './export.js';
export * from './semantics.js';
