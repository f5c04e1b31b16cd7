import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedTokenizerDir } from '@bigs/data';
import { type BiGSConfig, createConfig, createModel, savePretrained } from '@bigs/models';

/** A fresh temp directory. */
export function tempDir(prefix = 'bigs-finetune-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Save a randomly initialised tiny BiGS MLM model (vocab = the embedded 8192-token tokenizer, H = 8, one layer)
 * with the embedded tokenizer files, as a pretrain run would leave it.
 */
export async function makeTinyModelDir(
  overrides: Partial<BiGSConfig> = {},
  head: 'masked-lm' | 'sequence-classification' = 'masked-lm',
): Promise<string> {
  const dir = tempDir('bigs-tiny-model-');
  const config = createConfig({
    vocabSize: 8192,
    hiddenSize: 8,
    numHiddenLayers: 1,
    intermediateSize: 16,
    numSsm: 4,
    maxPositionEmbeddings: 32,
    ...overrides,
  });
  const model = createModel(config, head, { seed: 1 });
  const tokDir = embeddedTokenizerDir();
  await savePretrained(model, dir, {
    tokenizerFiles: {
      'vocab.txt': readFileSync(join(tokDir, 'vocab.txt'), 'utf8'),
      'tokenizer.json': readFileSync(join(tokDir, 'tokenizer.json'), 'utf8'),
    },
  });
  model.dispose();
  return dir;
}

/** The GLUE fixtures of @bigs/data (read-only). */
export const GLUE_FIXTURES = new URL('../../../packages/data/test/fixtures/glue/', import.meta.url).pathname;
