export * from './bigs-model.js';
export * from './embeddings.js';
export * from './encoder.js';
export * from './head-models.js';
export * from './heads.js';
export * from './losses.js';
export * from './modules.js';
