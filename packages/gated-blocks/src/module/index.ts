export { mix32 } from '@bigs/common';
export { ForwardContext } from './context.js';
export { Module, type Parameter, type ParamInit, type ParamMeta } from './module.js';
