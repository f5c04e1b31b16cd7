export * from './io.js';
export * from './safetensors.js';
