/**
 * The minimal tokenizer contract the pretraining pipeline needs. Any WordPiece tokenizer can be adapted to it
 * (see `fromWordPiece` once the package tokenizer is wired in).
 */
export interface PipelineTokenizer {
  /** Token ids of a piece of text, without special tokens. */
  tokenizeToIds(text: string): Int32Array | number[];
  /** True when the id is a word continuation piece (`##…`), used by whole-word masking. */
  isContinuation(id: number): boolean;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  readonly padId: number;
  /** Size of the id space (`vocab.txt` line count). */
  readonly vocabSize: number;
  /** Every special id (pad, unk, cls, sep, mask, …): never masked and never drawn as random replacements. */
  readonly specialIds: readonly number[];
}

/** The vocabulary facts a batch loader needs, stored in a shard set's manifest. */
export interface VocabInfo {
  vocabSize: number;
  clsId: number;
  sepId: number;
  maskId: number;
  padId: number;
  specialIds: number[];
  /** Per id: 1 when it is a `##` continuation piece. */
  continuation: Uint8Array;
}

/** Snapshot a tokenizer's vocabulary facts (continuation flags for every id). */
export function vocabInfoOf(tok: PipelineTokenizer): VocabInfo {
  const continuation = new Uint8Array(tok.vocabSize);
  for (let i = 0; i < tok.vocabSize; i++) continuation[i] = tok.isContinuation(i) ? 1 : 0;
  return {
    vocabSize: tok.vocabSize,
    clsId: tok.clsId,
    sepId: tok.sepId,
    maskId: tok.maskId,
    padId: tok.padId,
    specialIds: [...tok.specialIds],
    continuation,
  };
}
