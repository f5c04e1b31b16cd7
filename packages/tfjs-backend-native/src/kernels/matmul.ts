/**
 * BatchMatMul and _FusedMatMul on the addon's GEMM: transposes are GEMM flags (no Transpose kernel),
 * broadcast batch dimensions become per-batch operand indices.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { broadcast_util } from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../backend.js';
import { f32, sizeOf } from '../kernel-io.js';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** For each output batch, the index of the a / b batch it reads (broadcast dims repeat). */
function batchIndices(aOuter: number[], bOuter: number[], outOuter: number[]): [Int32Array, Int32Array] {
  const total = sizeOf(outOuter);
  const ai = new Int32Array(total);
  const bi = new Int32Array(total);
  const rank = outOuter.length;
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const ap = pad(aOuter);
  const bp = pad(bOuter);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    let ao = 0;
    let bo = 0;
    for (let d = 0; d < rank; d++) {
      ao = ao * (ap[d] as number) + ((ap[d] as number) === 1 ? 0 : (idx[d] as number));
      bo = bo * (bp[d] as number) + ((bp[d] as number) === 1 ? 0 : (idx[d] as number));
    }
    ai[i] = ao;
    bi[i] = bo;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (outOuter[d] as number)) break;
      idx[d] = 0;
    }
  }
  return [ai, bi];
}

/** a [..., M, K] (or [..., K, M]) @ b [..., K, N] (or [..., N, K]) → [..., M, N] as one pooled output. */
export function matMul(
  backend: NativeBackend,
  a: TensorInfo,
  b: TensorInfo,
  ta: boolean,
  tb: boolean,
): TensorInfo {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = (ta ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const Ka = (ta ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const Kb = (tb ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
  const N = (tb ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  if (Ka !== Kb)
    throw new Error(
      `BatchMatMul: inner dimensions differ (${Ka} vs ${Kb}) for shapes [${a.shape}] and [${b.shape}], transposeA=${ta}, transposeB=${tb}`,
    );
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outOuter = broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const { info, values } = backend.makeFloatOutput([...outOuter, M, N], Ka === 0);
  if (values.length === 0 || Ka === 0) return info; // [.., M, N] zeros
  const [ai, bi] = batchIndices(aOuter, bOuter, outOuter);
  requireAddon().batchMatMul(f32(backend, a), f32(backend, b), values, ai, bi, M, N, Ka, ta, tb);
  return info;
}

export function makeMatMulKernels(cpu: (name: string) => KernelFunc): KernelConfig[] {
  const batchMatMul: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return cpu('BatchMatMul')(args);
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    return matMul(args.backend as NativeBackend, a, b, transposeA, transposeB);
  };
  const fusedMatMul: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs as unknown as MatMulAttrs & { activation: string; leakyreluAlpha?: number };
    const backend = args.backend as NativeBackend;
    const simpleBias =
      bias === undefined || (bias.dtype === 'float32' && sizeOf(bias.shape) === bias.shape.at(-1));
    const simpleAct = attrs.activation === 'linear' || attrs.activation === 'relu';
    if (
      a?.dtype !== 'float32' ||
      b?.dtype !== 'float32' ||
      !simpleBias ||
      !simpleAct ||
      preluActivationWeights
    )
      return cpu('_FusedMatMul')(args);
    const out = matMul(backend, a, b, attrs.transposeA, attrs.transposeB);
    const y = f32(backend, out); // [..., M, N]
    const N = out.shape.at(-1) as number;
    if (bias !== undefined && bias.shape.at(-1) !== N) return cpu('_FusedMatMul')(args);
    const bv = bias === undefined ? undefined : f32(backend, bias); // [N]
    const relu = attrs.activation === 'relu';
    if (bv !== undefined || relu) {
      for (let i = 0; i < y.length; i += N) {
        for (let j = 0; j < N; j++) {
          let v = (y[i + j] as number) + (bv === undefined ? 0 : (bv[j] as number));
          if (relu && v < 0) v = 0;
          y[i + j] = v;
        }
      }
    }
    return out;
  };
  return [
    { kernelName: 'BatchMatMul', backendName: 'native', kernelFunc: batchMatMul },
    { kernelName: '_FusedMatMul', backendName: 'native', kernelFunc: fusedMatMul },
  ];
}
