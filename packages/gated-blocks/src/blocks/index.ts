export { Block, type BlockArchitecture } from './block.js';
export { type BlockOptions, createBlock } from './create-block.js';
export { GatedBlock, type GatedBlockOptions } from './gated-block.js';
export { StackBlock, type StackBlockOptions } from './stack-block.js';
