/** Shared helpers of the tests (not exported from the package). */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BertTokenizer, embeddedTokenizerDir } from '@bigs/data';
import {
  type AnyBiGSModel,
  type BiGSConfig,
  createConfig,
  createModel,
  type HeadType,
  savePretrained,
  TINY,
} from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

export async function useCpu(): Promise<void> {
  await initEngine({ backend: 'cpu', threads: 1, quiet: true });
}

/** The embedded tokenizer's files, as `savePretrained` writes them next to a model. */
export function embeddedTokenizerFiles(): Record<string, string> {
  const dir = embeddedTokenizerDir();
  return {
    'vocab.txt': readFileSync(join(dir, 'vocab.txt'), 'utf8'),
    'tokenizer.json': readFileSync(join(dir, 'tokenizer.json'), 'utf8'),
  };
}

/** A tiny random BiGS (H = 8, 2 layers, P = 24) over the embedded 8192-token vocabulary. */
export function tinyConfig(overrides: Partial<BiGSConfig> = {}): BiGSConfig {
  return createConfig({ ...TINY, vocabSize: 8192, maxPositionEmbeddings: 24, ...overrides });
}

/** Save a tiny random model with the embedded tokenizer into a fresh temp dir; returns the dir. */
export async function saveTinyModel(
  head: HeadType,
  overrides: Partial<BiGSConfig> = {},
  options: { seed?: number; tokenizer?: boolean } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bigs-pipelines-${head}-`));
  const model = createModel(tinyConfig(overrides), head, { seed: options.seed ?? 3 });
  // Make the MLM bias non-zero so the token ranking is not decided by ties.
  if (head === 'masked-lm') {
    const bias = model.parameterMap().get('cls.predictions.bias')!.variable;
    tf.tidy(() => bias.assign(tf.randomNormal(bias.shape, 0, 1, 'float32', 5)));
  }
  await savePretrained(
    model,
    dir,
    options.tokenizer === false ? {} : { tokenizerFiles: embeddedTokenizerFiles() },
  );
  model.dispose();
  return dir;
}

/** The padded model inputs of texts, as the tokenizer gives them (the low-level path the tests compare with). */
export function lowLevelInputs(
  tok: BertTokenizer,
  inputs: readonly (string | { text: string; pair?: string | null })[],
  length: number | 'longest',
  maxLength: number,
) {
  const encs = inputs.map((x) =>
    typeof x === 'string'
      ? tok.encode(x, null, { maxLength, truncation: 'longest_first' })
      : tok.encode(x.text, x.pair ?? null, { maxLength, truncation: 'longest_first' }),
  );
  const l = length === 'longest' ? Math.max(...encs.map((e) => e.inputIds.length)) : length;
  const padded = encs.map((e) => tok.pad(e, l));
  const b = padded.length;
  const cat = (f: (e: (typeof padded)[number]) => Int32Array) => {
    const out = new Int32Array(b * l);
    padded.forEach((e, i) => {
      out.set(f(e), i * l);
    });
    return out;
  };
  return {
    encodings: encs,
    length: l,
    tensors: () => ({
      inputIds: tf.tensor2d(
        cat((e) => e.inputIds),
        [b, l],
        'int32',
      ),
      attentionMask: tf.tensor2d(Float32Array.from(cat((e) => e.attentionMask)), [b, l]),
      tokenTypeIds: tf.tensor2d(
        cat((e) => e.tokenTypeIds),
        [b, l],
        'int32',
      ),
    }),
  };
}

export type { AnyBiGSModel };
