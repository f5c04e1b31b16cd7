/**
 * Float32 data movement on the addon (csrc/gather.cc): GatherV2, UnsortedSegmentSum (a scatter-add,
 * O(N·inner) instead of the cpu kernel's O(numSegments·N)), Slice (always a copy, never a view),
 * Concat, PadV2, SplitV and Tile. Other dtypes use the cpu kernels.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32, i32, sizeOf } from '../kernel-io.js';
import { ints, isF32 } from './binary.js';

export interface GatherAddon {
  gatherV2(
    x: Float32Array,
    indices: Int32Array,
    out: Float32Array,
    batch: number,
    outer: number,
    D: number,
    inner: number,
    N: number,
  ): number;
  unsortedSegmentSum(
    x: Float32Array,
    segmentIds: Int32Array,
    out: Float32Array,
    N: number,
    inner: number,
    numSegments: number,
  ): void;
  slice(x: Float32Array, shape: Int32Array, begin: Int32Array, size: Int32Array, out: Float32Array): void;
  concat(inputs: Float32Array[], widths: Int32Array, out: Float32Array, outer: number): void;
  pad(
    x: Float32Array,
    shape: Int32Array,
    before: Int32Array,
    after: Int32Array,
    value: number,
    out: Float32Array,
  ): void;
  tile(x: Float32Array, shape: Int32Array, reps: Int32Array, out: Float32Array): void;
}

function isI32(backend: NativeBackend, t: TensorInfo | undefined): t is TensorInfo {
  return t !== undefined && t.dtype === 'int32' && backend.data.get(t.dataId)?.values instanceof Int32Array;
}

/** A copy of x[begin : begin + size]. */
export function sliceF32(backend: NativeBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const { info, values } = backend.makeFloatOutput(size.slice());
  requireAddon<GatherAddon>().slice(f32(backend, x), ints(x.shape), ints(begin), ints(size), values);
  return info;
}

/** A cpu kernel by name (the fallback). */
type CpuKernel = (name: string) => KernelFunc;

/** The native `gatherV2` kernel; other dtypes and shapes fall back to `cpu`. */
function gatherV2Kernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims?: number };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x) || !isI32(backend, indices)) return cpu('GatherV2')(args);
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0] as number;
    const info = backend_util.segment_util.collectGatherOpShapeInfo(
      x as never,
      indices as never,
      parsedAxis,
      batchDims ?? 0,
    );
    if (info.batchSize === 0) return cpu('GatherV2')(args);
    const N = sizeOf(indices.shape) / info.batchSize;
    const out = backend.makeFloatOutput(info.outputShape);
    const bad = requireAddon<GatherAddon>().gatherV2(
      f32(backend, x),
      i32(backend, indices),
      out.values,
      info.batchSize,
      info.outerSize,
      info.dimSize,
      info.sliceSize,
      N,
    );
    if (bad >= 0) {
      backend.disposeIntermediateTensorInfo(out.info);
      return cpu('GatherV2')(args); // raises the cpu kernel's out-of-range error
    }
    return out.info;
  };
}

/** The native `segmentSum` kernel; other dtypes and shapes fall back to `cpu`. */
function segmentSumKernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as unknown as { numSegments: number };
    const backend = args.backend as NativeBackend;
    if (
      !isF32(backend, x) ||
      !isI32(backend, segmentIds) ||
      segmentIds.shape.length !== 1 ||
      x.shape.length < 1 ||
      segmentIds.shape[0] !== x.shape[0]
    )
      return cpu('UnsortedSegmentSum')(args);
    const N = x.shape[0] as number;
    const inner = sizeOf(x.shape.slice(1));
    const { info, values } = backend.makeFloatOutput([numSegments, ...x.shape.slice(1)]);
    requireAddon<GatherAddon>().unsortedSegmentSum(
      f32(backend, x),
      i32(backend, segmentIds),
      values,
      N,
      inner,
      numSegments,
    );
    return info;
  };
}

/** The native `slice` kernel; other dtypes and shapes fall back to `cpu`. */
function sliceKernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x)) return cpu('Slice')(args);
    const [$begin, $size] = slice_util.parseSliceParams(x as never, begin, size) as [number[], number[]];
    slice_util.assertParamsValid(x as never, $begin, $size);
    return sliceF32(backend, x, $begin, $size);
  };
}

/** The native `concat` kernel; other dtypes and shapes fall back to `cpu`. */
function concatKernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { axis } = args.attrs as unknown as { axis: number };
    const backend = args.backend as NativeBackend;
    if (inputs.length === 0 || !inputs.every((t) => isF32(backend, t))) return cpu('Concat')(args);
    const first = inputs[0] as TensorInfo;
    const $axis = util.parseAxisParam(axis, first.shape)[0] as number;
    const shapes = inputs.map((t) => t.shape);
    backend_util.assertParamsConsistent(shapes, $axis);
    const outShape = backend_util.computeOutShape(shapes, $axis);
    const { info, values } = backend.makeFloatOutput(outShape);
    if (values.length === 0) return info;
    const outer = sizeOf(outShape.slice(0, $axis));
    const widths = Int32Array.from(inputs.map((t) => sizeOf(t.shape.slice($axis))));
    requireAddon<GatherAddon>().concat(
      inputs.map((t) => f32(backend, t)),
      widths,
      values,
      outer,
    );
    return info;
  };
}

/** The native `padV2` kernel; other dtypes and shapes fall back to `cpu`. */
function padV2Kernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as {
      paddings: Array<[number, number]>;
      constantValue: number;
    };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x) || paddings.length !== x.shape.length) return cpu('PadV2')(args);
    const before = paddings.map((p) => p[0]);
    const after = paddings.map((p) => p[1]);
    const outShape = x.shape.map((s, i) => (before[i] as number) + s + (after[i] as number));
    const { info, values } = backend.makeFloatOutput(outShape);
    requireAddon<GatherAddon>().pad(
      f32(backend, x),
      ints(x.shape),
      ints(before),
      ints(after),
      constantValue,
      values,
    );
    return info;
  };
}

/** The native `splitV` kernel; other dtypes and shapes fall back to `cpu`. */
function splitVKernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x)) return cpu('SplitV')(args);
    const $axis = util.parseAxisParam(axis, x.shape)[0] as number;
    const splitSizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const size = x.shape.slice();
    return splitSizes.map((s) => {
      const sliceSize = size.slice();
      sliceSize[$axis] = s;
      const t = sliceF32(backend, x, begin.slice(), sliceSize);
      begin[$axis] = (begin[$axis] as number) + s;
      return t;
    });
  };
}

/** The native `tile` kernel; other dtypes and shapes fall back to `cpu`. */
function tileKernel(cpu: CpuKernel): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x) || reps.length !== x.shape.length) return cpu('Tile')(args);
    const outShape = x.shape.map((s, i) => s * (reps[i] as number));
    const { info, values } = backend.makeFloatOutput(outShape);
    requireAddon<GatherAddon>().tile(f32(backend, x), ints(x.shape), ints(reps), values);
    return info;
  };
}

export function makeGatherKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  const k = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({
    kernelName,
    backendName: 'native',
    kernelFunc,
  });
  return [
    k('GatherV2', gatherV2Kernel(cpu)),
    k('UnsortedSegmentSum', segmentSumKernel(cpu)),
    k('Slice', sliceKernel(cpu)),
    k('Concat', concatKernel(cpu)),
    k('PadV2', padV2Kernel(cpu)),
    k('SplitV', splitVKernel(cpu)),
    k('Tile', tileKernel(cpu)),
  ];
}
