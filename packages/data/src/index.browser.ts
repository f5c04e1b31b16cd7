/**
 * The browser entry of `@bigs/data` (package.json `browser` condition): the tokenizer (WordPiece, BERT
 * pre-tokenization, tokenizer.json / vocab.txt formats, `tokenizerFromFiles`) without the file-system parts
 * (`loadTokenizer`, `saveTokenizer`, `loadModelTokenizer`, corpora, readers, shards), which are Node-only.
 */
export const VERSION = '0.1.0';
export * from './tokenizer/core.js';
