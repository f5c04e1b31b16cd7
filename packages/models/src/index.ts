/**
 * @packageDocumentation
 * `@bigs/models`: BiGSConfig, embeddings, encoder, heads, checkpoints (safetensors with the official
 * PyTorch-port names, the official Flax msgpack importer).
 */
export * from './checkpoint/index.js';
export * from './config/index.js';
export * from './export/index.js';
export * from './model/index.js';
export * from './safetensors/index.js';
