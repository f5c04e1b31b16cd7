import { fusedGelu } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

/** The two GELU definitions of BiGS: `tanh` (Flax `nn.gelu` default, used inside the blocks) and `erf` (exact). */
export type GeluKind = 'tanh' | 'erf';

/** Activations a feed-forward layer can use. `gelu` is HF's name for the exact (erf) GELU. */
export type ActivationName = 'gelu' | 'gelu_erf' | 'gelu_tanh' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

export const GELU_KINDS: readonly GeluKind[] = ['tanh', 'erf'];
export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'gelu',
  'gelu_erf',
  'gelu_tanh',
  'gelu_new',
  'gelu_pytorch_tanh',
  'relu',
];

/**
 * tanh-approximated GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — what Flax `nn.gelu` computes by default,
 * and what the official BiGS blocks use. On a backend with the fused `BigsGelu` kernel (`native`) one fused kernel
 * with its own gradient; elsewhere built from `tanh`, `mul`, `add` only, so its gradient works on every backend
 * (wasm included).
 *
 * @example
 * geluTanh(tf.tensor1d([-1, 0, 1])); // [3] ≈ [-0.1588, 0, 0.8412]
 */
export function geluTanh<T extends tf.Tensor>(x: T): T {
  return fusedGelu(x, 'tanh'); // [...]
}

/**
 * Exact GELU: 0.5·x·(1 + erf(x/√2)) — HF `ACT2FN["gelu"]`, BERT's FFN and the BiGS MLM head; also the GELU of the
 * authors' PyTorch port inside the blocks. Fused `BigsGelu` kernel where the backend has it (`native`); elsewhere
 * composite ops (`erf` has a registered gradient on cpu and wasm).
 *
 * @example
 * geluErf(tf.tensor1d([-1, 0, 1])); // [3] ≈ [-0.1587, 0, 0.8413]
 */
export function geluErf<T extends tf.Tensor>(x: T): T {
  return fusedGelu(x, 'erf'); // [...]
}

/**
 * GELU of the given kind.
 * @example
 * gelu(tf.zeros([2, 3]), 'erf'); // [2, 3]
 */
export function gelu<T extends tf.Tensor>(x: T, kind: GeluKind): T {
  return checkGeluKind('gelu', 'kind', kind) === 'tanh' ? geluTanh(x) : geluErf(x);
}

/**
 * The activation function for a name (`gelu` / `gelu_erf` = exact; `gelu_tanh` / `gelu_new` / `gelu_pytorch_tanh`
 * = tanh approximation; `relu`).
 * @example
 * activation('gelu')(tf.zeros([4])); // [4]
 */
export function activation(name: ActivationName): <T extends tf.Tensor>(x: T) => T {
  switch (name) {
    case 'gelu':
    case 'gelu_erf':
      return geluErf;
    case 'gelu_tanh':
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return geluTanh;
    case 'relu':
      return <T extends tf.Tensor>(x: T): T => tf.relu(x) as T;
    default:
      throw new Error(
        `activation: name must be one of ${ACTIVATION_NAMES.join(' | ')}, got ${JSON.stringify(name)}`,
      );
  }
}

/**
 * Validates a {@link GeluKind}; returns it.
 * @example
 * checkGeluKind('MyLayer', 'blockGelu', 'tanh'); // 'tanh' (throws on anything but 'tanh' | 'erf')
 */
export function checkGeluKind(where: string, field: string, kind: unknown): GeluKind {
  if (kind !== 'tanh' && kind !== 'erf') {
    throw new Error(`${where}: ${field} must be 'tanh' | 'erf', got ${JSON.stringify(kind)}`);
  }
  return kind;
}
