import { createRng } from '@bigs/common';
import { describe, expect, it } from 'vitest';
import { hippoLegSImag } from './hippo.js';
import { bigsAImag, initBiGSSSM, initS4D } from './init.js';

describe('createRng', () => {
  it('is deterministic and roughly uniform / normal', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    const r = createRng(1);
    let su = 0;
    let lo = 1;
    let hi = 0;
    let sn = 0;
    let sn2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
    expect(() => createRng(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
  });
});

describe('initBiGSSSM', () => {
  it('matches the official S4dLayer init (shapes, A_re, D, ranges)', () => {
    const p = initBiGSSSM(64, { seed: 3 });
    expect(p.aRe.shape).toEqual([64]);
    expect(p.aIm.shape).toEqual([64]);
    expect(p.c.shape).toEqual([64, 2]);
    expect(p.d.shape).toEqual([1]);
    expect(p.logStep.shape).toEqual([1]);
    expect(p.aRe.values.every((v) => v === -0.5)).toBe(true);
    expect(p.d.values[0]).toBe(1);
    expect(p.logStep.values[0]!).toBeGreaterThanOrEqual(Math.log(0.01) - 1e-6);
    expect(p.logStep.values[0]!).toBeLessThanOrEqual(1e-6);
    expect(Array.from(p.aIm.values)).toEqual(Array.from(Float32Array.from(hippoLegSImag(64))));
    let var_ = 0;
    for (const v of p.c.values) var_ += (v * v) / 128;
    expect(var_).toBeGreaterThan(0.3);
    expect(var_).toBeLessThan(0.75);
  });

  it('is deterministic given the seed', () => {
    const a = initBiGSSSM(16, { seed: 9, scaling: 'lin' });
    const b = initBiGSSSM(16, { seed: 9, scaling: 'lin' });
    const c = initBiGSSSM(16, { seed: 10, scaling: 'lin' });
    expect(Array.from(a.c.values)).toEqual(Array.from(b.c.values));
    expect(a.logStep.values[0]).toBe(b.logStep.values[0]);
    expect(Array.from(a.c.values)).not.toEqual(Array.from(c.c.values));
  });

  it("'lin' is π·n and 'inv' is (N/π)(N/(2n+1) − 1)", () => {
    const lin = bigsAImag(8, 'lin');
    const inv = bigsAImag(8, 'inv');
    for (let i = 0; i < 8; i++) {
      expect(lin[i]).toBeCloseTo(Math.PI * i, 12);
      expect(inv[i]).toBeCloseTo((8 / Math.PI) * (8 / (2 * i + 1) - 1), 12);
    }
    expect(Array.from(initBiGSSSM(8, { scaling: 'inv' }).aIm.values)).toEqual(
      Array.from(Float32Array.from(inv)),
    );
  });

  it('rejects bad input', () => {
    expect(() => initBiGSSSM(0)).toThrow(/initBiGSSSM: n must be an integer >= 1, got 0/);
    expect(() => initBiGSSSM(4, { scaling: 'foo' as never })).toThrow(
      /scaling must be 'hippo' \| 'inv' \| 'lin', got "foo"/,
    );
    expect(() => initBiGSSSM(4, { dtMin: 0 })).toThrow(/dtMin/);
  });
});

describe('initS4D', () => {
  it('matches state-spaces/s4 s4d.py init', () => {
    const p = initS4D(5, 8, { seed: 1 });
    expect(p.logDt.shape).toEqual([5]);
    expect(p.logAReal.shape).toEqual([5, 4]);
    expect(p.aImag.shape).toEqual([5, 4]);
    expect(p.c.shape).toEqual([5, 4, 2]);
    expect(p.d.shape).toEqual([5]);
    for (const v of p.logAReal.values) expect(v).toBeCloseTo(Math.log(0.5), 6);
    for (let h = 0; h < 5; h++)
      for (let m = 0; m < 4; m++) expect(p.aImag.values[h * 4 + m]).toBeCloseTo(Math.PI * m, 5);
    for (const v of p.logDt.values) {
      expect(v).toBeGreaterThanOrEqual(Math.log(0.001) - 1e-6);
      expect(v).toBeLessThanOrEqual(Math.log(0.1) + 1e-6);
    }
    expect(Array.from(initS4D(5, 8, { seed: 1 }).c.values)).toEqual(Array.from(p.c.values));
  });

  it('rejects odd N and bad H', () => {
    expect(() => initS4D(4, 7)).toThrow(/initS4D: n \(state size N\) must be even \(M = N\/2 modes\), got 7/);
    expect(() => initS4D(0, 8)).toThrow(/initS4D: h must be an integer >= 1, got 0/);
  });
});
