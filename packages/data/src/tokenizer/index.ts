export * from './core.js';
export { loadTokenizer, saveTokenizer } from './io.js';
export {
  type LoadModelTokenizerOptions,
  loadModelTokenizer,
  type ModelTokenizer,
} from './model-tokenizer.js';
