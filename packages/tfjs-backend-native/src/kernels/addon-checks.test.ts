import { describe, expect, it } from 'vitest';
import '../index.js';
import { requireAddon } from '../addon.js';
import type { BinaryAddon } from './binary.js';
import type { GatherAddon } from './gather.js';
import type { ReduceAddon } from './reduce.js';
import type { TransposeAddon } from './transpose.js';
import type { UnaryAddon } from './unary.js';

const F = (n: number) => new Float32Array(n);
const I = (v: number[]) => Int32Array.from(v);

describe('addon kernels reject arrays that do not match their shapes (RangeError naming the function)', () => {
  const a = requireAddon<BinaryAddon & UnaryAddon & ReduceAddon & TransposeAddon & GatherAddon>();
  it('binary / unary / casts', () => {
    expect(() => a.binary(0, F(3), I([4]), F(4), I([4]), F(4), I([4]))).toThrow(/binary/);
    expect(() => a.binary(0, F(4), I([4]), F(3), I([3]), F(4), I([4]))).toThrow(/broadcast/);
    expect(() => a.binary(0, F(4), I([4]), F(4), I([4]), F(3), I([4]))).toThrow(RangeError);
    expect(() =>
      a.binary(0, F(4), I([4]), F(4), I([4]), F(4), I([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])),
    ).toThrow(/rank/);
    expect(() => a.unary(0, F(4), F(5), 0, 0)).toThrow(/unary/);
    expect(() => a.castF32ToI32(F(4), new Int32Array(3))).toThrow(/castF32ToI32/);
    expect(() => a.castI32ToF32(new Int32Array(4), new Int32Array(4) as unknown as Float32Array)).toThrow(
      TypeError,
    );
  });
  it('reduce / argMax / transpose', () => {
    expect(() => a.reduce(0, F(12), F(3), 3, 5, 1)).toThrow(/reduce/);
    expect(() => a.reduce(9, F(12), F(3), 3, 4, 1)).toThrow(/reduce/);
    expect(() => a.argMax(F(12), new Int32Array(4), 3, 4, 1)).toThrow(/argMax/);
    expect(() => a.transpose(F(6), I([2, 3]), I([0, 0]), F(6))).toThrow(/transpose/);
    expect(() => a.transpose(F(6), I([2, 4]), I([1, 0]), F(8))).toThrow(/transpose/);
  });
  it('gather / segment sum / slice / concat / pad / tile', () => {
    expect(() => a.gatherV2(F(10), I([1]), F(3), 1, 1, 10, 1, 2)).toThrow(/gatherV2/);
    expect(a.gatherV2(F(10), I([1, 10]), F(2), 1, 1, 10, 1, 2)).toBe(1);
    expect(() => a.unsortedSegmentSum(F(6), I([0, 1]), F(4), 2, 3, 2)).toThrow(/unsortedSegmentSum/);
    expect(() => a.slice(F(6), I([2, 3]), I([1, 1]), I([1, 3]), F(3))).toThrow(/slice/);
    expect(() => a.concat([F(4), F(3)], I([2, 2]), F(8), 2)).toThrow(/concat/);
    expect(() => a.pad(F(4), I([4]), I([1]), I([1]), 0, F(5))).toThrow(/pad/);
    expect(() => a.tile(F(4), I([2, 2]), I([2, 2]), F(8))).toThrow(/tile/);
  });
});
