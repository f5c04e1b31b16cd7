/**
 * @packageDocumentation
 * `@bigs/finetune` (private app): `pnpm finetune`, the GLUE / embedded / SCROLLS finetuning command.
 */
export * from './cli.js';
export * from './encode.js';
export * from './examples.js';
export * from './metrics.js';
export * from './model-io.js';
export * from './options.js';
export * from './results.js';
export * from './run-all.js';
export * from './run-task.js';
export * from './tasks.js';
