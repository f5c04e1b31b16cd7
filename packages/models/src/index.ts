/**
 * @packageDocumentation
 * `@bigs/models`: BiGSConfig, embeddings, encoder, heads, checkpoints (safetensors with the official
 * PyTorch-port names, the official Flax msgpack importer).
 */
export * from './config/index.js';
export * from './safetensors/index.js';
