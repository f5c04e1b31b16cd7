/**
 * The tokenizer's portable part (no file system): WordPiece, BERT pre-tokenization, the tokenizer.json and
 * vocab.txt formats and `tokenizerFromFiles`. Shared by the Node entry (tokenizer/index.ts adds file I/O) and
 * the browser entry.
 */
export { BasicTokenizer, type BasicTokenizerOptions, type PreToken } from './basic-tokenizer.js';
export {
  BertTokenizer,
  type BertTokenizerOptions,
  DEFAULT_SPECIAL_TOKENS,
  type EncodeOptions,
  type Encoding,
  type PaddingStrategy,
  type SpecialTokens,
  type TruncationStrategy,
} from './bert-tokenizer.js';
export { CharClass, charClass, isCjk, isPunctuation } from './chars.js';
export {
  type TokenizerFileContent,
  type TokenizerFromFilesOptions,
  tokenizerFromFiles,
} from './from-files.js';
export { fromTokenizerJson, type TokenizerJson, toTokenizerJson } from './tokenizer-json.js';
export { type TrainWordPieceOptions, type TrainWordPieceResult, trainWordPiece } from './trainer.js';
export { formatVocabTxt, parseVocabTxt, Vocab } from './vocab.js';
export { type Piece, WordPiece, type WordPieceOptions } from './wordpiece.js';
