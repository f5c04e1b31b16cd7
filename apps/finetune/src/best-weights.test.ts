import { BiGSForSequenceClassification, createConfig } from '@bigs/models';
import { initEngine } from '@bigs/ssm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightSnapshot } from './best-weights.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu', quiet: true });
});

const values = (m: BiGSForSequenceClassification) =>
  m.namedParameters().map(([n, p]) => [n, Array.from(p.variable.dataSync())] as const);

describe('WeightSnapshot', () => {
  it('restores every parameter to the values it copied', () => {
    const config = createConfig({
      vocabSize: 30,
      hiddenSize: 8,
      numHiddenLayers: 1,
      intermediateSize: 16,
      numSsm: 4,
      maxPositionEmbeddings: 16,
      numLabels: 2,
    });
    const model = new BiGSForSequenceClassification(config, { seed: 1 });
    const before = values(model);
    const snap = WeightSnapshot.of(model);
    for (const [, p] of model.namedParameters()) p.variable.assign(p.variable.mul(2).add(1));
    expect(values(model)).not.toEqual(before);
    snap.restore(model);
    expect(values(model)).toEqual(before);
    model.dispose();
  });
});
