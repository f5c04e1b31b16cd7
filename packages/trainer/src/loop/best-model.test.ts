import { describe, expect, it } from 'vitest';
import { BestTracker } from './best-model.js';

describe('BestTracker', () => {
  it('keeps the highest score, the first one on ties, the last record and the history', () => {
    const t = new BestTracker<{ step: number; v: number }>({ score: (r) => r.v });
    expect(t.add({ step: 1, v: 0.5 })).toBe(true);
    expect(t.add({ step: 2, v: 0.7 })).toBe(true);
    expect(t.add({ step: 3, v: 0.7 })).toBe(false);
    expect(t.add({ step: 4, v: 0.1 })).toBe(false);
    expect(t.best).toEqual({ step: 2, v: 0.7 });
    expect(t.last).toEqual({ step: 4, v: 0.1 });
    expect(t.history.map((r) => r.step)).toEqual([1, 2, 3, 4]);
  });

  it('with greaterIsBetter false keeps the lowest; restore() sets the best', () => {
    const t = new BestTracker<number>({ score: (r) => r, greaterIsBetter: false });
    t.restore(0.3);
    expect(t.add(0.4)).toBe(false);
    expect(t.add(0.2)).toBe(true);
    expect(t.best).toBe(0.2);
  });
});
