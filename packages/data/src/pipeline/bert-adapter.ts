import type { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import type { PipelineTokenizer } from './tokenizer.js';

/**
 * Adapt the package's WordPiece {@link BertTokenizer} to the pipeline's {@link PipelineTokenizer} contract.
 * Special ids are those the tokenizer reports as special (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`): never
 * masked and never drawn as random replacements.
 * @example
 * const tok = fromBertTokenizer(await loadTokenizer('vocab.txt'));
 * tok.tokenizeToIds('Hello world'); // number[] without [CLS]/[SEP]
 */
export function fromBertTokenizer(bert: BertTokenizer): PipelineTokenizer {
  const specialIds: number[] = [];
  for (let i = 0; i < bert.vocabSize; i++) if (bert.isSpecialId(i)) specialIds.push(i);
  return {
    tokenizeToIds: (text: string) => bert.encodeSequence(text).ids,
    isContinuation: (id: number) => bert.isSubwordContinuation(id),
    clsId: bert.clsTokenId,
    sepId: bert.sepTokenId,
    maskId: bert.maskTokenId,
    padId: bert.padTokenId,
    vocabSize: bert.vocabSize,
    specialIds,
  };
}
