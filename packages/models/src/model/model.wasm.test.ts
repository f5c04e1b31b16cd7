import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForwardContext } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fastBackends, ids2d, randomize, useBackend } from '../../test/helpers.js';
import { fromPretrained, savePretrained } from '../checkpoint/pretrained.js';
import { createConfig, TINY } from '../config/config.js';
import { type BiGSForMaskedLM, type BiGSForSequenceClassification, createModel } from './head-models.js';

const IDS = [
  [2, 7, 9, 11, 3, 0],
  [2, 5, 3, 0, 0, 0],
];
const MASK = [
  [1, 1, 1, 1, 1, 0],
  [1, 1, 1, 0, 0, 0],
];
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe.each(await fastBackends())('full model on %s matches cpu', (fast) => {
  for (const arch of [
    { blockArchitecture: 'gated' as const, routing: 'bissm' },
    { blockArchitecture: 'stack' as const, routing: 'attention', preNorm: false },
  ]) {
    it(`${arch.blockArchitecture}/${arch.routing}: MLM + SeqCls outputs, loss and gradients; no leaks`, async () => {
      await useBackend('cpu');
      const cfg = createConfig({ ...TINY, ...arch, numLabels: 3 });
      const dirs = {
        mlm: await mkdtemp(join(tmpdir(), 'bigs-wasm-')),
        cls: await mkdtemp(join(tmpdir(), 'bigs-wasm-')),
      };
      const run = (m: BiGSForMaskedLM, c: BiGSForSequenceClassification) => {
        const inputs = {
          inputIds: ids2d(IDS),
          attentionMask: tf.tensor2d(MASK),
          labels: tf.tensor1d([2, 0], 'int32'),
        };
        const logits = tf.tidy(() =>
          m
            .forward({ ...inputs, labels: null })
            .logits.dataSync()
            .slice(),
        );
        const { value, grads } = tf.variableGrads(
          () => c.forward(inputs, { ctx: new ForwardContext({ training: false }) }).loss!,
          c.variables(),
        );
        const g = Object.values(grads).map((t) => t.dataSync().slice());
        const out = { logits, loss: value.dataSync()[0]!, g };
        tf.dispose([value, grads, inputs]);
        return out;
      };
      const m0 = createModel(cfg, 'masked-lm') as BiGSForMaskedLM;
      const c0 = createModel(cfg, 'sequence-classification') as BiGSForSequenceClassification;
      randomize(m0);
      randomize(c0, 2);
      await savePretrained(m0, dirs.mlm);
      await savePretrained(c0, dirs.cls);
      const ref = run(m0, c0);
      m0.dispose();
      c0.dispose();

      await useBackend(fast);
      const m1 = (await fromPretrained(dirs.mlm, { logger: () => {} })).model as BiGSForMaskedLM;
      const c1 = (await fromPretrained(dirs.cls, { logger: () => {} }))
        .model as BiGSForSequenceClassification;
      const got = run(m1, c1);
      expect(maxDiff(got.logits, ref.logits)).toBeLessThan(1e-3);
      expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-4);
      for (let i = 0; i < ref.g.length; i++) expect(maxDiff(got.g[i]!, ref.g[i]!)).toBeLessThan(1e-3);
      expect(got.g.some((g) => g.some((x) => x !== 0))).toBe(true);
      const before = tf.memory().numTensors;
      run(m1, c1);
      expect(tf.memory().numTensors).toBe(before);
      m1.dispose();
      c1.dispose();
      await useBackend('cpu');
    });
  }
});
