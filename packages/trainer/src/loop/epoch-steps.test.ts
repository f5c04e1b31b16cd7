import { describe, expect, it } from 'vitest';
import { stepsForEpochs } from './epoch-steps.js';

describe('stepsForEpochs', () => {
  it('rounds up, so every batch of the epochs is trained on', () => {
    expect(stepsForEpochs(1, 10)).toBe(10);
    expect(stepsForEpochs(1, 10, 3)).toBe(4);
    expect(stepsForEpochs(2, 10, 3)).toBe(7);
    expect(stepsForEpochs(0.5, 7)).toBe(4);
    expect(stepsForEpochs(3, 125)).toBe(375);
  });
  it('gives at least one step', () => {
    expect(stepsForEpochs(0.01, 3)).toBe(1);
    expect(stepsForEpochs(1, 0)).toBe(1);
  });
  it('names a bad argument', () => {
    expect(() => stepsForEpochs(0, 3)).toThrow('epochs must be a number > 0, got 0');
    expect(() => stepsForEpochs(1, 2.5)).toThrow('batches per epoch must be an integer >= 0');
    expect(() => stepsForEpochs(1, 3, 0)).toThrow('gradient accumulation steps must be an integer >= 1');
  });
});
