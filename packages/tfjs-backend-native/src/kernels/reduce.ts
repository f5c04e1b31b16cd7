/**
 * Float32 reductions on the addon (csrc/reduce.cc): Sum, Mean, Max, Min, Prod over any axes, and
 * ArgMax. Reduction axes that are adjacent (size-1 dims between them ignored) are reduced in place as
 * [outer, R, inner]; otherwise the input is first transposed (addon) so they are innermost.
 * Empty inputs use the cpu kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32, sizeOf } from '../kernel-io.js';
import { isF32 } from './binary.js';
import { transposeF32 } from './transpose.js';

export interface ReduceAddon {
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, R: number, inner: number): void;
  argMax(x: Float32Array, out: Int32Array, outer: number, R: number, inner: number): void;
}

const REDUCE_OPS = { Sum: 0, Mean: 1, Max: 2, Min: 3, Prod: 4 } as const;

/** [outer, R, inner] when the reduced axes are adjacent once size-1 dims are ignored, else null. */
function contiguousPlan(shape: readonly number[], axes: readonly number[]): [number, number, number] | null {
  const red = new Set(axes);
  const big = shape.map((s, i) => ({ s, i })).filter(({ s }) => s !== 1);
  const flags = big.map(({ i }) => red.has(i));
  const first = flags.indexOf(true);
  if (first < 0) return [sizeOf(shape), 1, 1];
  const last = flags.lastIndexOf(true);
  for (let k = first; k <= last; k++) if (!flags[k]) return null;
  let outer = 1;
  let R = 1;
  let inner = 1;
  big.forEach(({ s }, k) => {
    if (k < first) outer *= s;
    else if (k <= last) R *= s;
    else inner *= s;
  });
  return [outer, R, inner];
}

function outShapeOf(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const red = new Set(axes);
  return keepDims ? shape.map((s, i) => (red.has(i) ? 1 : s)) : shape.filter((_, i) => !red.has(i));
}

function reduceF32(
  backend: NativeBackend,
  op: number,
  x: TensorInfo,
  axes: number[],
  keepDims: boolean,
): TensorInfo {
  const addon = requireAddon<ReduceAddon>();
  const outShape = outShapeOf(x.shape, axes, keepDims);
  const plan = contiguousPlan(x.shape, axes);
  const { info, values } = backend.makeFloatOutput(outShape);
  if (plan !== null) {
    addon.reduce(op, f32(backend, x), values, plan[0], plan[1], plan[2]);
    return info;
  }
  const perm = backend_util.getAxesPermutation(axes, x.shape.length) as number[];
  const t = transposeF32(backend, x, perm);
  const R = sizeOf(axes.map((a) => x.shape[a] as number));
  addon.reduce(op, f32(backend, t), values, sizeOf(x.shape) / R, R, 1);
  backend.disposeIntermediateTensorInfo(t);
  return info;
}

export function makeReduceKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  const configs: KernelConfig[] = Object.entries(REDUCE_OPS).map(([name, op]) => {
    const kernelFunc: KernelFunc = (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      // Max names its axes `reductionIndices`; the others `axis`.
      const attrs = args.attrs as unknown as {
        axis?: number | number[];
        reductionIndices?: number | number[];
        keepDims: boolean;
      };
      const axis = name === 'Max' ? attrs.reductionIndices : attrs.axis;
      const keepDims = attrs.keepDims;
      const backend = args.backend as NativeBackend;
      if (!isF32(backend, x) || sizeOf(x.shape) === 0) return cpu(name)(args);
      const axes = [...new Set(util.parseAxisParam(axis as number | number[], x.shape))].sort(
        (a, b) => a - b,
      );
      return reduceF32(backend, op, x, axes, keepDims);
    };
    return { kernelName: name, backendName: 'native', kernelFunc };
  });
  const argMax: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis } = args.attrs as unknown as { axis: number | number[] };
    const backend = args.backend as NativeBackend;
    if (!isF32(backend, x) || sizeOf(x.shape) === 0) return cpu('ArgMax')(args);
    const a = util.parseAxisParam(axis as number | number[], x.shape)[0] as number;
    const outer = sizeOf(x.shape.slice(0, a));
    const R = x.shape[a] as number;
    const inner = sizeOf(x.shape.slice(a + 1));
    const out = new Int32Array(outer * inner);
    requireAddon<ReduceAddon>().argMax(f32(backend, x), out, outer, R, inner);
    return backend.makeTensorInfo(
      x.shape.filter((_, i) => i !== a),
      'int32',
      out,
    );
  };
  configs.push({ kernelName: 'ArgMax', backendName: 'native', kernelFunc: argMax });
  return configs;
}
