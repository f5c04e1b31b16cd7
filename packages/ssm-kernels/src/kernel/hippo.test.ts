import { describe, expect, it } from 'vitest';
import { hippoLegS, hippoLegSImag, hippoLegSNormal } from './hippo.js';
import { symmetricEigenvalues } from './jacobi-eigen.js';

describe('symmetricEigenvalues (Jacobi)', () => {
  it('solves small known matrices', () => {
    expect(Array.from(symmetricEigenvalues([2, 1, 1, 2], 2))).toEqual([
      expect.closeTo(1, 14),
      expect.closeTo(3, 14),
    ]);
    // tridiagonal [2 −1; −1 2 −1; −1 2]: 2 − √2, 2, 2 + √2
    const w = symmetricEigenvalues([2, -1, 0, -1, 2, -1, 0, -1, 2], 3);
    expect(w[0]).toBeCloseTo(2 - Math.SQRT2, 13);
    expect(w[1]).toBeCloseTo(2, 13);
    expect(w[2]).toBeCloseTo(2 + Math.SQRT2, 13);
    expect(Array.from(symmetricEigenvalues([5], 1))).toEqual([5]);
  });
  it('rejects bad input', () => {
    expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(/n\*n = 4 entries, got 3/);
    expect(() => symmetricEigenvalues([], 0)).toThrow(/n must be an integer >= 1, got 0/);
  });
});

describe('HiPPO-LegS', () => {
  it('has the LegS structure and S has constant diagonal −0.5 and a skew off-diagonal part', () => {
    const n = 6;
    const a = hippoLegS(n);
    expect(a[0]).toBe(-1);
    expect(a[1 * n + 0]).toBeCloseTo(-Math.sqrt(3), 14);
    expect(a[0 * n + 1]).toBe(0);
    expect(a[5 * n + 5]).toBe(-6);
    const s = hippoLegSNormal(n);
    for (let i = 0; i < n; i++) {
      expect(s[i * n + i]).toBeCloseTo(-0.5, 13);
      for (let k = 0; k < i; k++) expect(s[i * n + k]! + s[k * n + i]!).toBeCloseTo(0, 12);
    }
  });

  it('N = 64: 32 ± pairs from ±0.264 to ±1303.27, ascending (docs/guide/architecture.md#ssm-parameters)', () => {
    const w = hippoLegSImag(64);
    expect(w.length).toBe(64);
    for (let i = 1; i < 64; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
    for (let i = 0; i < 32; i++) expect(w[i]! + w[63 - i]!).toBeCloseTo(0, 9);
    expect(w.filter((v) => v > 0).length).toBe(32);
    expect(w[63]!.toFixed(2)).toBe('1303.27');
    expect(w[0]!.toFixed(2)).toBe('-1303.27');
    expect(w[32]!.toFixed(3)).toBe('0.264');
    expect(w[31]!.toFixed(3)).toBe('-0.264');
  });

  it('eigenvalues of the skew part: Σω² = ‖S_skew‖_F²/… (trace identity) and odd N has a zero', () => {
    for (const n of [5, 16]) {
      const s = hippoLegSNormal(n);
      let frob = 0; // ‖S_skew‖_F² = Σ over eigenvalues λ² of −i·S_skew
      for (let i = 0; i < n; i++)
        for (let k = 0; k < n; k++) frob += (0.5 * (s[i * n + k]! - s[k * n + i]!)) ** 2;
      const w = hippoLegSImag(n);
      const sumSq = w.reduce((p, v) => p + v * v, 0);
      expect(sumSq).toBeCloseTo(frob, 8);
      if (n % 2 === 1) expect(Math.abs(w[(n - 1) / 2]!)).toBeLessThan(1e-10);
    }
  });

  it('returns a fresh copy and rejects bad n', () => {
    const a = hippoLegSImag(8);
    a[0] = 123;
    expect(hippoLegSImag(8)[0]).not.toBe(123);
    expect(() => hippoLegSImag(0)).toThrow(/n \(state size N\) must be an integer >= 1, got 0/);
    expect(() => hippoLegSImag(2.5)).toThrow(/got 2.5/);
  });
});
