/**
 * @packageDocumentation
 * `@bigs/common`: the dependency-free building blocks every `@bigs` package shares, each in one place — the
 * seeded random number generator (`rng/`), atomic file writes (`fs/`), and the SVG plots and tick helpers used
 * by the trainer's loss curve and the analysis report (`plot/`).
 */
export * from './fs/atomic-write.js';
export * from './plot/index.js';
export * from './rng/index.js';
