/**
 * @packageDocumentation
 * `@bigs/analysis`: what a trained BiGS (or attention baseline) learned — the SSM kernels and the static
 * token-to-token maps they imply, gradient sensitivity maps for a sentence, linear probes by layer on a CoNLL-U
 * treebank, SVG plots (drawn with `@bigs/common`), and a markdown + self-contained HTML report (`analyzeModel`).
 */
export * from './kernels/index.js';
export * from './probing/index.js';
export * from './report/index.js';
export * from './sensitivity/index.js';
export { shellJoin, shellQuote, textExcerpt } from './util/shell.js';
