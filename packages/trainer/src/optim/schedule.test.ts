import { describe, expect, it } from 'vitest';
import { learningRateAt, makeSchedule, warmupStepsOf } from './schedule.js';

describe('schedules', () => {
  const peak = 6e-4;
  it('cosine with floor: 0 at step 0, peak at warmup end, mid value, floor alpha·peak at and after T', () => {
    const c = { kind: 'cosine' as const, peakLearningRate: peak, totalSteps: 110, warmupSteps: 10 };
    expect(learningRateAt(c, 0)).toBe(0);
    expect(learningRateAt(c, 5)).toBeCloseTo(peak / 2, 15);
    expect(learningRateAt(c, 10)).toBeCloseTo(peak, 15);
    // halfway through the decay (t = 50 of D = 100): cos(π/2) = 0 → (1-α)·0.5 + α = 0.55
    expect(learningRateAt(c, 60)).toBeCloseTo(peak * 0.55, 15);
    expect(learningRateAt(c, 110)).toBeCloseTo(peak * 0.1, 15);
    expect(learningRateAt(c, 500)).toBeCloseTo(peak * 0.1, 15);
    expect(learningRateAt({ ...c, alpha: 0 }, 110)).toBeCloseTo(0, 15);
  });

  it('linear: warmup then linear decay to 0 (official run_glue: fractional warmup = ratio·T)', () => {
    const l = { kind: 'linear' as const, peakLearningRate: 2e-5, totalSteps: 105, warmupRatio: 0.1 };
    expect(warmupStepsOf(l)).toBeCloseTo(10.5, 12);
    expect(learningRateAt(l, 0)).toBe(0);
    expect(learningRateAt(l, 10.5)).toBeCloseTo(2e-5, 18);
    expect(learningRateAt(l, 10)).toBeCloseTo((2e-5 * 10) / 10.5, 18);
    expect(learningRateAt(l, 57.75)).toBeCloseTo(1e-5, 18); // half of the 94.5 decay steps
    expect(learningRateAt(l, 105)).toBe(0);
    expect(learningRateAt(l, 200)).toBe(0);
  });

  it('constant, with and without warmup', () => {
    expect(learningRateAt({ kind: 'constant', peakLearningRate: 1e-3, totalSteps: 10 }, 0)).toBe(1e-3);
    const w = makeSchedule({ kind: 'constant', peakLearningRate: 1e-3, totalSteps: 10, warmupSteps: 4 });
    expect([0, 2, 4, 9].map(w)).toEqual([0, 5e-4, 1e-3, 1e-3]);
  });

  it('rejects bad configs with the field name', () => {
    expect(() =>
      makeSchedule({ kind: 'linear', peakLearningRate: 1, totalSteps: 10, warmupSteps: 11 }),
    ).toThrow(/warmupSteps must be in \[0, totalSteps=10\], got 11/);
    expect(() => makeSchedule({ kind: 'linear', peakLearningRate: 1, totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => makeSchedule({ kind: 'cosine', peakLearningRate: 1, totalSteps: 5, alpha: 2 })).toThrow(
      /alpha/,
    );
    // biome-ignore lint/suspicious/noExplicitAny: testing a bad kind
    expect(() => makeSchedule({ kind: 'step' as any, peakLearningRate: 1, totalSteps: 5 })).toThrow(
      /kind must be/,
    );
  });
});
