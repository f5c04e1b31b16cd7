export { ForwardContext, mix32 } from './context.js';
export { Module, type Parameter, type ParamInit, type ParamMeta } from './module.js';
