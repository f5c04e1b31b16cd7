import { describe, expect, it } from 'vitest';
import { matmulError, matmulProbe } from './self-check.js';

/** The product computed here in float64 then rounded to float32, as a correct backend would give it. */
function product(p: ReturnType<typeof matmulProbe>): Float32Array {
  const out = new Float32Array(p.m * p.n);
  for (let i = 0; i < p.m; i++)
    for (let j = 0; j < p.n; j++) {
      let s = 0;
      for (let q = 0; q < p.k; q++) s += (p.a[i * p.k + q] as number) * (p.b[q * p.n + j] as number);
      out[i * p.n + j] = s;
    }
  return out;
}

describe('matmul self-check', () => {
  it('passes a correct product and catches one wrong entry', () => {
    const p = matmulProbe(7, 13, 5);
    const good = product(p);
    expect(matmulError(p, good)).toBeLessThan(1e-6);
    const bad = good.slice();
    bad[17] = (bad[17] as number) + 0.01;
    expect(matmulError(p, bad)).toBeGreaterThan(1e-3);
  });
});
