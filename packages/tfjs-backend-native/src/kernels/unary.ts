/**
 * Float32 unary kernels on the addon (`unary` in csrc/unary.cc, evaluated in double like the cpu
 * kernels) and the numeric Casts (float32↔int32, bool→float32, float32→bool). Identity and same-dtype
 * Casts stay on the cpu kernel (they share the data, no copy).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32, sizeOf } from '../kernel-io.js';
import { isF32 } from './binary.js';

export interface UnaryAddon {
  unary(op: number, x: Float32Array, out: Float32Array, p0: number, p1: number): void;
  castF32ToI32(x: Float32Array, out: Int32Array): void;
  castI32ToF32(x: Int32Array, out: Float32Array): void;
  castU8ToF32(x: Uint8Array, out: Float32Array): void;
  castF32ToBool(x: Float32Array, out: Uint8Array): void;
}

type Attrs = Record<string, unknown>;

/** Kernel name → [addon op code, attrs → [p0, p1]]. */
const UNARY_OPS: Record<string, [number, ((a: Attrs) => [number, number])?]> = {
  Square: [0],
  Sqrt: [1],
  Rsqrt: [2],
  Exp: [3],
  Log: [4],
  Neg: [5],
  Abs: [6],
  Tanh: [7],
  Sigmoid: [8],
  Relu: [9],
  Erf: [10],
  Reciprocal: [11],
  Sin: [12],
  Cos: [13],
  Step: [14, (a) => [Number(a.alpha ?? 0), 0]],
  Sign: [15],
  Softplus: [16],
  ClipByValue: [17, (a) => [Number(a.clipValueMin), Number(a.clipValueMax)]],
  LeakyRelu: [18, (a) => [Number(a.alpha ?? 0.2), 0]],
  Elu: [19],
};

/** op(x) for a Float32Array-backed float32 tensor. */
export function unaryF32(backend: NativeBackend, op: number, x: TensorInfo, p0 = 0, p1 = 0): TensorInfo {
  const { info, values } = backend.makeFloatOutput(x.shape.slice());
  requireAddon<UnaryAddon>().unary(op, f32(backend, x), values, p0, p1);
  return info;
}

export function makeUnaryKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  const configs: KernelConfig[] = Object.entries(UNARY_OPS).map(([name, [op, params]]) => {
    const kernelFunc: KernelFunc = (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const backend = args.backend as NativeBackend;
      if (!isF32(backend, x)) return cpu(name)(args);
      const [p0, p1] = params === undefined ? [0, 0] : params(args.attrs as Attrs);
      return unaryF32(backend, op, x, p0, p1);
    };
    return { kernelName: name, backendName: 'native', kernelFunc };
  });

  const cast: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    const backend = args.backend as NativeBackend;
    const addon = requireAddon<UnaryAddon>();
    const d = backend.data.get(x.dataId);
    const v = d?.complexTensorInfos === undefined ? d?.values : undefined;
    const n = sizeOf(x.shape);
    if (x.dtype === 'float32' && v instanceof Float32Array) {
      if (dtype === 'int32') {
        const out = new Int32Array(n);
        addon.castF32ToI32(v, out);
        return backend.makeTensorInfo(x.shape.slice(), 'int32', out);
      }
      if (dtype === 'bool') {
        const out = new Uint8Array(n);
        addon.castF32ToBool(v, out);
        return backend.makeTensorInfo(x.shape.slice(), 'bool', out);
      }
    } else if (dtype === 'float32' && x.dtype === 'int32' && v instanceof Int32Array) {
      const { info, values } = backend.makeFloatOutput(x.shape.slice());
      addon.castI32ToF32(v, values);
      return info;
    } else if (dtype === 'float32' && x.dtype === 'bool' && v instanceof Uint8Array) {
      const { info, values } = backend.makeFloatOutput(x.shape.slice());
      addon.castU8ToF32(v, values);
      return info;
    }
    return cpu('Cast')(args);
  };
  configs.push({ kernelName: 'Cast', backendName: 'native', kernelFunc: cast });
  return configs;
}
