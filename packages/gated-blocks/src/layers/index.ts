export {
  ACTIVATION_NAMES,
  type ActivationName,
  activation,
  checkGeluKind,
  GELU_KINDS,
  type GeluKind,
  gelu,
  geluErf,
  geluTanh,
} from './activations.js';
export { Dense, type DenseOptions } from './dense.js';
export { checkProb, dropout } from './dropout.js';
export { checkPositiveInt, LayerNorm, type LayerNormOptions } from './layer-norm.js';
