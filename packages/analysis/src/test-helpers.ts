/** Shared helpers of the tests (not exported from the package). */

import { createRng } from '@bigs/common';
import { BertTokenizer } from '@bigs/data';
import { type AnyBiGSModel, type BiGSConfig, createConfig, createModel, TINY } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { SaxesParser } from 'saxes';

export async function useCpu(): Promise<void> {
  await initEngine({ backend: 'cpu', threads: 1, quiet: true });
}

export const WORDS = [
  'the',
  'old',
  'sailor',
  'told',
  'children',
  'a',
  'long',
  'story',
  'about',
  'sea',
  'before',
  'storm',
  'came',
  '.',
  'dog',
  'cat',
  'runs',
  'sleeps',
  'big',
  'small',
  'red',
  'house',
  'in',
  'on',
  'and',
  'saw',
  'it',
  '##s',
  ',',
];

/** A tiny uncased WordPiece tokenizer whose ids fit V = 50. */
export function tinyTokenizer(): BertTokenizer {
  return new BertTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS], { lowercase: true });
}

/** A tiny config: BiGS (GATED + bissm) by default, or the BERT-style baseline. */
export function tinyConfig(kind: 'bigs' | 'bert', overrides: Partial<BiGSConfig> = {}): BiGSConfig {
  const base: Partial<BiGSConfig> = { ...TINY, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 };
  if (kind === 'bert') {
    Object.assign(base, {
      blockArchitecture: 'stack',
      routing: 'attention',
      preNorm: false,
      blockGelu: 'erf',
      modelType: 'bert',
    });
  }
  return createConfig({ ...base, ...overrides });
}

/** Give every non-SSM parameter O(1) values (deterministic) so that outputs are not dominated by the init. */
export function randomize(model: AnyBiGSModel, seed = 1, scale = 0.5): void {
  const rng = createRng(seed);
  tf.tidy(() => {
    for (const [name, p] of model.namedParameters()) {
      if (/\.(A_re|A_im|C|log_step)$/.test(name)) continue;
      const v = new Float32Array(p.variable.size);
      for (let i = 0; i < v.length; i++) v[i] = (rng.uniform() * 2 - 1) * scale;
      if (/(LayerNorm|_norm)\.weight$/.test(name) || name.endsWith('.D'))
        for (let i = 0; i < v.length; i++) v[i]! += 1;
      p.variable.assign(tf.tensor(v, p.variable.shape));
    }
  });
}

export function tinyModel(
  kind: 'bigs' | 'bert',
  overrides: Partial<BiGSConfig> = {},
  seed = 1,
): AnyBiGSModel {
  const m = createModel(tinyConfig(kind, overrides), 'masked-lm', { seed });
  randomize(m, seed);
  return m;
}

/** Set a named parameter (full dotted name) to a constant. */
export function setParam(model: AnyBiGSModel, name: string, value: number): void {
  const p = model.parameterMap().get(name);
  if (!p) throw new Error(`setParam: no parameter ${name}`);
  tf.tidy(() => p.variable.assign(tf.fill(p.variable.shape, value)));
}

/** Parse XML with saxes; throws on any well-formedness error. Returns the element names seen. */
export function parseXml(xml: string): string[] {
  const names: string[] = [];
  const p = new SaxesParser({ xmlns: true });
  p.on('error', (e) => {
    throw e;
  });
  p.on('opentag', (t) => names.push(t.local));
  p.write(xml).close();
  return names;
}
