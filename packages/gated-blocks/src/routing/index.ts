export { ATTENTION_MASK_BIAS, AttentionRouting } from './attention.js';
export { type BackwardMode, type BiSSMOptions, BiSSMRouting } from './bissm.js';
export {
  createRoutingLayer,
  listRoutingLayers,
  type RegisterRoutingLayerOptions,
  type RoutingLayerFactory,
  registerRoutingLayer,
  routingLayerInfo,
  unregisterRoutingLayer,
} from './registry.js';
export {
  checkRoutingInputs,
  RoutingLayer,
  type RoutingLayerInfo,
  type RoutingLayerOptions,
} from './routing-layer.js';
export { S4DLayer, type S4DLayerOptions, SSM_PARAM_META } from './s4d-layer.js';
