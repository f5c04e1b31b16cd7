/**
 * The browser entry of `@bigs/common` (package.json `browser` condition): the random number generator and the
 * SVG plots, without the Node-only atomic file writes.
 */
export * from './plot/index.js';
export * from './rng/index.js';
