import type { ConvStrategy } from '@bigs/ssm-kernels';
import type { ActivationName, GeluKind } from '../layers/activations.js';
import type { RoutingLayerOptions } from '../routing/routing-layer.js';
import type { Block, BlockArchitecture } from './block.js';
import { GatedBlock } from './gated-block.js';
import { StackBlock } from './stack-block.js';

/** Config of one block of the paper's 2×2 (architecture × routing). Defaults give a BiGS-like GATED/SSM block. */
export interface BlockOptions {
  /** 'gated' (BiGS) or 'stack' (transformer). */
  architecture: BlockArchitecture;
  /** Registered routing name: 'bissm', 'attention', or your own. */
  routing: string;
  hiddenSize: number;
  intermediateSize: number;
  /** `bissm`: complex modes per direction; default 64. */
  numSsm?: number;
  /** `bissm`: A_im init; default 'hippo'. */
  scaling?: 'hippo' | 'inv' | 'lin';
  /** GELU inside GATED blocks and `bissm` ('tanh' = Flax, default; 'erf' = PyTorch port). */
  blockGelu?: GeluKind;
  /** STACK FFN activation; default 'gelu' (erf). Ignored by 'gated'. */
  ffnActivation?: ActivationName;
  /** Default: true for 'gated' (BiGS), false for 'stack' (BERT). */
  preNorm?: boolean;
  /** Default 1e-12. */
  layerNormEps?: number;
  /** STACK only (GATED has no dropout, docs/guide/architecture.md#bigs-block); default 0.1. */
  hiddenDropoutProb?: number;
  /** `attention`: heads; default 1. */
  numAttentionHeads?: number;
  /** `attention`: dropout on the attention probabilities; default 0 (BERT uses 0.1). */
  attentionDropoutProb?: number;
  /** `bissm`: long-convolution strategy; default 'auto'. */
  convStrategy?: ConvStrategy;
  /** Std of dense kernel inits; default 0.02. */
  initializerRange?: number;
  /** Init seed; default 0. */
  seed?: number;
  /** Extra options for the routing factory (merged over the fields above). */
  routingOptions?: Partial<RoutingLayerOptions>;
}

/**
 * Build one block of the paper's 2×2 from config:
 *
 * | architecture \ routing | `attention` | `bissm` |
 * |---|---|---|
 * | `stack` | BERT layer | STACK/SSM |
 * | `gated` | GATED/attention | **BiGS** |
 *
 * @example
 * const bigs = createBlock({ architecture: 'gated', routing: 'bissm', hiddenSize: 8, intermediateSize: 16, numSsm: 4 });
 * const bert = createBlock({ architecture: 'stack', routing: 'attention', hiddenSize: 8, intermediateSize: 16, numAttentionHeads: 2 });
 * bigs.forward(tf.zeros([2, 5, 8]) as tf.Tensor3D, null, ForwardContext.eval()); // [2, 5, 8]
 */
export function createBlock(options: BlockOptions): Block {
  if (options === undefined || options === null) throw new Error('createBlock: options are missing');
  const routingOptions: Partial<RoutingLayerOptions> = {};
  const put = <K extends keyof RoutingLayerOptions>(k: K, v: RoutingLayerOptions[K] | undefined) => {
    if (v !== undefined) routingOptions[k] = v;
  };
  put('numSsm', options.numSsm);
  put('scaling', options.scaling);
  put('blockGelu', options.blockGelu);
  put('convStrategy', options.convStrategy);
  put('numAttentionHeads', options.numAttentionHeads);
  put('attentionDropoutProb', options.attentionDropoutProb);
  Object.assign(routingOptions, options.routingOptions);
  const common = {
    routing: options.routing,
    hiddenSize: options.hiddenSize,
    intermediateSize: options.intermediateSize,
    ...(options.preNorm === undefined ? {} : { preNorm: options.preNorm }),
    ...(options.layerNormEps === undefined ? {} : { layerNormEps: options.layerNormEps }),
    ...(options.initializerRange === undefined ? {} : { initializerRange: options.initializerRange }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    routingOptions,
  };
  switch (options.architecture) {
    case 'gated':
      return new GatedBlock({
        ...common,
        ...(options.blockGelu === undefined ? {} : { blockGelu: options.blockGelu }),
      });
    case 'stack':
      return new StackBlock({
        ...common,
        ...(options.ffnActivation === undefined ? {} : { ffnActivation: options.ffnActivation }),
        ...(options.hiddenDropoutProb === undefined ? {} : { hiddenDropoutProb: options.hiddenDropoutProb }),
      });
    default:
      throw new Error(
        `createBlock: architecture must be 'gated' | 'stack', got ${JSON.stringify((options as { architecture?: unknown }).architecture)}`,
      );
  }
}
