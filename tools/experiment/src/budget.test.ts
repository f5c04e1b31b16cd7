import { describe, expect, it } from 'vitest';
import { BUDGETS, resolveBudget } from './budget.js';

describe('budgets', () => {
  it('grow from small to large in steps and model size', () => {
    const [s, m, l] = ['small', 'medium', 'large'].map((n) => BUDGETS[n]!);
    expect(s!.pretrain.maxSteps).toBeLessThan(m!.pretrain.maxSteps);
    expect(m!.pretrain.maxSteps).toBeLessThan(l!.pretrain.maxSteps);
    expect(s!.model.hiddenSize).toBeLessThan(l!.model.hiddenSize);
  });
  it('--max-steps replaces the steps and shrinks the intervals to fit', () => {
    const b = resolveBudget('small', 4);
    expect(b.pretrain.maxSteps).toBe(4);
    expect(b.pretrain.warmupSteps).toBe(0);
    expect(b.pretrain.evalSteps).toBe(4);
    expect(b.pretrain.saveSteps).toBeLessThanOrEqual(4);
    expect(b.finetune).toEqual(BUDGETS.small!.finetune);
    expect(resolveBudget('medium')).toBe(BUDGETS.medium);
  });
  it('rejects an unknown budget and bad step counts', () => {
    expect(() => resolveBudget('huge')).toThrow(
      /--budget: unknown budget "huge"; known: small, medium, large/,
    );
    expect(() => resolveBudget('small', 0)).toThrow(/--max-steps: 0 is not an integer >= 1/);
  });
});
