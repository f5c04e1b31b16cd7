/**
 * The browser entry of `@bigs/data` (package.json `browser` condition): the tokenizer (WordPiece, BERT
 * pre-tokenization, tokenizer.json / vocab.txt formats, `tokenizerFromFiles`) without the file-system parts
 * (`loadTokenizer`, `saveTokenizer`, `loadModelTokenizer`, corpora, readers, shards), which are Node-only.
 */
export const VERSION = '0.1.0';
export { BasicTokenizer, type BasicTokenizerOptions, type PreToken } from './tokenizer/basic-tokenizer.js';
export {
  BertTokenizer,
  type BertTokenizerOptions,
  DEFAULT_SPECIAL_TOKENS,
  type EncodeOptions,
  type Encoding,
  type PaddingStrategy,
  type SpecialTokens,
  type TruncationStrategy,
} from './tokenizer/bert-tokenizer.js';
export { CharClass, charClass, isCjk, isPunctuation } from './tokenizer/chars.js';
export {
  type TokenizerFileContent,
  type TokenizerFromFilesOptions,
  tokenizerFromFiles,
} from './tokenizer/from-files.js';
export { fromTokenizerJson, type TokenizerJson, toTokenizerJson } from './tokenizer/tokenizer-json.js';
export {
  type TrainWordPieceOptions,
  type TrainWordPieceResult,
  trainWordPiece,
} from './tokenizer/trainer.js';
export { formatVocabTxt, parseVocabTxt, Vocab } from './tokenizer/vocab.js';
export { type Piece, WordPiece, type WordPieceOptions } from './tokenizer/wordpiece.js';
