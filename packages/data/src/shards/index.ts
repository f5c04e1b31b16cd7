export * from './build.js';
export * from './dataset.js';
export * from './format.js';
export * from './loader.js';
export * from './manifest.js';
export * from './writer.js';
