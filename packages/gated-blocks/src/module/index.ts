export { ForwardContext, mix32 } from './context.js';
export { Module, type ParamInit, type ParamMeta, type Parameter } from './module.js';
