import { describe, expect, it } from 'vitest';
import { resolveEncodePlan, textPair } from './encode.js';
import { tinyConfig } from './test-helpers.js';

describe('resolveEncodePlan', () => {
  it('defaults: max length and padded length P, pad to max length, truncate, batches of 8', () => {
    expect(resolveEncodePlan(tinyConfig(), {})).toEqual({
      maxLength: 24,
      paddedLength: 24,
      padding: 'max_length',
      truncation: 'truncate',
      batchSize: 8,
    });
    expect(resolveEncodePlan(tinyConfig(), { maxLength: 10, padding: 'longest' }).paddedLength).toBe(10);
  });
  it('Flax semantics: always padded to exactly P, even with a smaller max length', () => {
    const plan = resolveEncodePlan(tinyConfig({ kernelLength: 'max_position' }), { maxLength: 10 });
    expect(plan.maxLength).toBe(10);
    expect(plan.paddedLength).toBe(24);
  });
  it('bad options name the option, the expected and the actual value', () => {
    const c = tinyConfig();
    expect(() => resolveEncodePlan(c, { batchSize: 0 })).toThrow(
      /option batchSize must be an integer >= 1, got 0/,
    );
    expect(() => resolveEncodePlan(c, { truncation: 'cut' as 'error' })).toThrow(
      /option truncation must be 'truncate' or 'error', got "cut"/,
    );
    expect(() => resolveEncodePlan(c, { padding: 'none' as 'longest' })).toThrow(
      /option padding must be 'max_length' or 'longest', got "none"/,
    );
    expect(() => resolveEncodePlan(c, { maxLength: 2.5 })).toThrow(
      /option maxLength must be an integer in \[3, 24\]/,
    );
  });
});

describe('textPair', () => {
  it('strings and { text, pair }; anything else is an error naming the input', () => {
    expect(textPair('a', 0, 't')).toEqual({ text: 'a', pair: null });
    expect(textPair({ text: 'a', pair: 'b' }, 0, 't')).toEqual({ text: 'a', pair: 'b' });
    expect(() => textPair(3 as unknown as string, 2, 'fill-mask')).toThrow(
      /fill-mask: input 2 must be a string or \{ text, pair\? \}, got 3/,
    );
    expect(() => textPair({ text: 'a', pair: 1 as unknown as string }, 1, 't')).toThrow(
      /input 1: field 'pair' must be a string or null, got number/,
    );
  });
});
