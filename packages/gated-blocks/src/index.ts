/**
 * @packageDocumentation
 * `@bigs/gated-blocks`: the module system (named parameters with optimizer metadata), the `RoutingLayer`
 * contract and registry (bidirectional S4D, self-attention, user-defined), and the paper's two block
 * architectures, GATED (BiGS) and STACK (transformer), each with either routing.
 */

export * from './blocks/index.js';
export * from './layers/index.js';
export * from './module/index.js';
export * from './routing/index.js';
