import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModelDir } from '../test/helpers.js';
import { loadClassifier } from './model-io.js';

const quiet = () => {};
const TWO = { labelNames: ['entailment', 'not_entailment'] };

/** A model dir whose config.json claims another vocab_size than its weights hold. */
async function misShapedEmbeddingsDir(head: 'masked-lm' | 'sequence-classification', numLabels = 2) {
  const dir = await makeTinyModelDir({ numLabels }, head);
  const path = join(dir, 'config.json');
  const cfg = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify({ ...cfg, vocab_size: 8000 }));
  return dir;
}

describe('loadClassifier: mis-shaped checkpoints', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', quiet: true });
  });

  it('word embeddings of another shape: an error naming the tensor and both shapes, with or without --ignore-mismatched-sizes', async () => {
    for (const head of ['masked-lm', 'sequence-classification'] as const) {
      const dir = await misShapedEmbeddingsDir(head);
      for (const ignoreMismatchedSizes of [false, true]) {
        const err: Error = await loadClassifier(dir, TWO, {
          ignoreMismatchedSizes,
          seed: 0,
          log: quiet,
        }).catch((e) => e);
        expect(err).toBeInstanceOf(Error);
        expect(err.message).toMatch(
          /^--model-name-or-path .*: checkpoint .* 'bigs\.embeddings\.word_embeddings\.weight' has shape \[8192,8\] in the file, expected \[8000,8\]/,
        );
        expect(err.message).not.toMatch(/label count/);
        expect(err.message).not.toMatch(/\n/);
      }
    }
  });

  it('a 3-label classifier on a 2-label task: the label-count advice, and the flag re-initialises only the classifier', async () => {
    const dir = await makeTinyModelDir({ numLabels: 3 }, 'sequence-classification');
    const err: Error = await loadClassifier(dir, TWO, {
      ignoreMismatchedSizes: false,
      seed: 0,
      log: quiet,
    }).catch((e) => e);
    expect(err.message).toMatch(
      /^--model-name-or-path .*: its classifier has another label count than this task \(3 in the checkpoint, 2 for this task\); pass --ignore-mismatched-sizes/,
    );
    const notes: string[] = [];
    const model = await loadClassifier(dir, TWO, {
      ignoreMismatchedSizes: true,
      seed: 0,
      log: (n) => notes.push(n),
    });
    expect(model.config.numLabels).toBe(2);
    expect(notes.join('\n')).toMatch(/'classifier\.weight' has shape \[3,8\].*re-initialised/);
    expect(notes.join('\n')).not.toMatch(/embeddings.*re-initialised/);
    model.dispose();
  });

  it('config.json without hidden_size: an error naming the field and the file (no classifier blame)', async () => {
    const dir = await makeTinyModelDir();
    const path = join(dir, 'config.json');
    const { hidden_size: _, ...cfg } = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify(cfg));
    for (const ignoreMismatchedSizes of [false, true]) {
      const err: Error = await loadClassifier(dir, TWO, { ignoreMismatchedSizes, seed: 0, log: quiet }).catch(
        (e) => e,
      );
      expect(err.message).toMatch(
        new RegExp(`^--model-name-or-path ${dir}: ${path}: missing architecture field 'hidden_size' \\(`),
      );
      expect(err.message).not.toMatch(/label count|\n/);
    }
  });

  it('a 3-label classifier whose embeddings are mis-shaped too: no label-count advice (it would not be enough)', async () => {
    const dir = await misShapedEmbeddingsDir('sequence-classification', 3);
    const err: Error = await loadClassifier(dir, TWO, {
      ignoreMismatchedSizes: false,
      seed: 0,
      log: quiet,
    }).catch((e) => e);
    expect(err.message).not.toMatch(/label count/);
    expect(err.message).toMatch(
      /'bigs\.embeddings\.word_embeddings\.weight' has shape \[8192,8\] in the file/,
    );
    expect(err.message).toMatch(/'classifier\.weight' has shape \[3,8\] in the file, expected \[2,8\]/);
  });
});

describe('loadClassifier: --semantics', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu', quiet: true });
  });

  it("trains in the named semantics (same weights), or the checkpoint's own without it", async () => {
    const dir = await makeTinyModelDir({}, 'masked-lm');
    const own = await loadClassifier(dir, TWO, { ignoreMismatchedSizes: false, seed: 0, log: quiet });
    const pt = await loadClassifier(dir, TWO, {
      ignoreMismatchedSizes: false,
      seed: 0,
      log: quiet,
      semantics: 'pytorch',
    });
    expect(own.config.semantics).not.toBe('pytorch');
    expect(pt.config).toMatchObject({ semantics: 'pytorch', blockGelu: 'erf', kernelLength: 'input' });
    const w = (m: typeof own) =>
      Array.from(m.parameterMap().get('bigs.encoder.layer.0.dv.kernel')!.variable.dataSync());
    expect(w(pt)).toEqual(w(own));
    own.dispose();
    pt.dispose();
  });
});
