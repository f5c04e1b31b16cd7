import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOrWritePlan, isDone, markDone, readDone } from './state.js';

describe('resume state', () => {
  it('a step is done only once its marker is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-state-'));
    expect(isDone(dir)).toBe(false);
    expect(readDone(dir)).toBeNull();
    markDone(dir, { command: ['pretrain'], wallSeconds: 1.5, finishedAt: 'now' });
    expect(isDone(dir)).toBe(true);
    expect(readDone(dir)?.wallSeconds).toBe(1.5);
  });
  it('plan.json: written once, accepted again unchanged, other settings refused naming them', () => {
    const out = mkdtempSync(join(tmpdir(), 'exp-plan-'));
    expect(checkOrWritePlan(out, { a: 1, b: { c: 2 } })).toBe('new');
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))).toEqual({ a: 1, b: { c: 2 } });
    expect(checkOrWritePlan(out, { a: 1, b: { c: 2 } })).toBe('resumed');
    expect(() => checkOrWritePlan(out, { a: 1, b: { c: 3 }, d: 0 })).toThrow(
      /holds an experiment with other settings \(b, d differ/,
    );
  });
});
