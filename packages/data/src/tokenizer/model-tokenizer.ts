import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddedTokenizerDir } from '../embedded/index.js';
import type { BertTokenizer } from './bert-tokenizer.js';
import { loadTokenizer } from './io.js';

/** Options of {@link loadModelTokenizer}. */
export interface LoadModelTokenizerOptions {
  /** A tokenizer dir / `tokenizer.json` / `vocab.txt` that wins over the model dir's own files. */
  tokenizer?: string;
  /** The model's `vocab_size`: a tokenizer with more tokens than this is an error (its ids would not fit). */
  vocabSize?: number;
  /**
   * When neither `tokenizer` is given nor the model dir holds `tokenizer.json` / `vocab.txt`: `'error'` (default)
   * throws an Error naming the directory, `'embedded'` uses the embedded 8192-token tokenizer.
   */
  fallback?: 'error' | 'embedded';
  /** How to tell the user to pass a tokenizer, for error messages (default `pass a tokenizer path`). */
  hint?: string;
}

/** A tokenizer and where it came from (for messages and reports). */
export interface ModelTokenizer {
  tokenizer: BertTokenizer;
  /** `PATH`, `DIR (model dir)` or `embedded 8k tokenizer of @bigs/data`. */
  source: string;
}

/**
 * The tokenizer of a saved model: `options.tokenizer` when given, else the model dir's `tokenizer.json` /
 * `vocab.txt` (written by `savePretrained(…, { tokenizerFiles })`, `pnpm pretrain`, `pnpm finetune`), else the
 * fallback. A tokenizer larger than `vocabSize` is an Error naming both sizes.
 *
 * @example
 * const { tokenizer, source } = await loadModelTokenizer('runs/pretrain-tiny', { vocabSize: 8192 });
 * source; // 'runs/pretrain-tiny (model dir)'
 */
export async function loadModelTokenizer(
  modelDir: string,
  options: LoadModelTokenizerOptions = {},
): Promise<ModelTokenizer> {
  const hint = options.hint ?? 'pass a tokenizer path';
  const exists = (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    );
  let tokenizer: BertTokenizer;
  let source: string;
  if (options.tokenizer) {
    if (!(await exists(options.tokenizer))) {
      throw new Error(`tokenizer ${options.tokenizer}: no such file or directory`);
    }
    tokenizer = await loadTokenizer(options.tokenizer);
    source = options.tokenizer;
  } else if (
    (await exists(join(modelDir, 'tokenizer.json'))) ||
    (await exists(join(modelDir, 'vocab.txt')))
  ) {
    tokenizer = await loadTokenizer(modelDir);
    source = `${modelDir} (model dir)`;
  } else if (options.fallback === 'embedded') {
    tokenizer = await loadTokenizer(join(embeddedTokenizerDir(), 'tokenizer.json'));
    source = 'embedded 8k tokenizer of @bigs/data';
  } else {
    throw new Error(
      `${modelDir}: holds no tokenizer (tokenizer.json or vocab.txt); ${hint} ` +
        `(the official BiGS checkpoints use bert-base-uncased's vocab.txt)`,
    );
  }
  if (options.vocabSize !== undefined && tokenizer.vocab.size > options.vocabSize) {
    throw new Error(
      `tokenizer ${source}: vocabulary size ${tokenizer.vocab.size} exceeds the model's vocab_size ` +
        `${options.vocabSize}; ${hint === 'pass a tokenizer path' ? "pass the model's own tokenizer" : hint}`,
    );
  }
  return { tokenizer, source };
}
