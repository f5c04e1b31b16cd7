import { describe, expect, it } from 'vitest';
import { BUDGETS } from './budget.js';
import { CELLS } from './cells.js';
import { cellConfig, countParameters, matchCells, parameterSpread } from './sizes.js';

describe('sizes', () => {
  const size = { ...BUDGETS.small!.model, vocabSize: 1000, maxPositionEmbeddings: 32 };
  it('matches the four cells within 1 % of their mean parameter count', async () => {
    const models = await matchCells(CELLS, size);
    const counts = CELLS.map((c) => models.get(c.id)!.parameters);
    expect(parameterSpread(counts)).toBeLessThan(0.01);
    expect(models.get('stack-ssm')!.config.intermediate_size).toBe(size.stackIntermediateSize);
    const gatedI = models.get('gated-ssm')!.config.intermediate_size as number;
    expect(gatedI % 8).toBe(0);
    expect(gatedI).not.toBe(size.stackIntermediateSize);
    // the encoder alone is matched too (embeddings and head are the same in every cell)
    const enc = CELLS.map((c) => models.get(c.id)!.encoderParameters);
    expect(parameterSpread(enc)).toBeLessThan(0.03);
  });
  it('cell configs carry the 2×2 switches and the routing-specific field', async () => {
    const c = cellConfig(CELLS[3]!, size, 64);
    expect(c).toMatchObject({ block_architecture: 'stack', routing: 'attention', num_attention_heads: 4 });
    expect(c).not.toHaveProperty('num_ssm');
    expect(await countParameters({ ...c, num_hidden_layers: 0 }, size)).toBeLessThan(
      await countParameters(c, size),
    );
  });
  it('parameterSpread is the largest relative distance from the mean', () => {
    expect(parameterSpread([90, 110])).toBeCloseTo(0.1);
    expect(parameterSpread([])).toBe(0);
  });
});
