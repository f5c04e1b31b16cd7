import { dropout, ForwardContext, Module, mix32 } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig } from '../config/config.js';
import { BiGSEmbeddings } from './embeddings.js';
import { BiGSEncoder } from './encoder.js';
import { Pooler } from './heads.js';

/** Tokenised inputs. `inputIds` `[B, L]` int32 (multiple choice: `[B, C, L]`); the others have the same shape. */
export interface ModelInputs {
  inputIds: tf.Tensor;
  /** 1 = real token, 0 = padding. Read only by the pooler and by attention routing (as in the official code). */
  attentionMask?: tf.Tensor | null;
  /** Segment ids (default 0). */
  tokenTypeIds?: tf.Tensor | null;
  /** Position ids (default 0..L−1). */
  positionIds?: tf.Tensor | null;
}

/** Per-call options. */
export interface ForwardOptions {
  /** Training context (dropout) or inference (default `ForwardContext.eval()`). */
  ctx?: ForwardContext;
  /** Also return every hidden state: embeddings + one per layer. */
  outputHiddenStates?: boolean;
}

/** Output of the backbone. */
export interface BaseModelOutput {
  /** `[B, L, H]` */
  lastHiddenState: tf.Tensor3D;
  /** `[B, H]` when the model has a pooler. */
  poolerOutput?: tf.Tensor2D;
  /** (numHiddenLayers + 1) × `[B, L, H]` when asked. */
  hiddenStates?: tf.Tensor3D[];
}

/** The heads (and the bare backbone). Kebab-case, as on the command line. */
export type HeadType =
  | 'base'
  | 'masked-lm'
  | 'sequence-classification'
  | 'token-classification'
  | 'question-answering'
  | 'multiple-choice';

export const HEAD_TYPES: readonly HeadType[] = [
  'base',
  'masked-lm',
  'sequence-classification',
  'token-classification',
  'question-answering',
  'multiple-choice',
];

/**
 * Checks an input length against the config's length semantics: `max_position` (Flax) requires L = P exactly;
 * `input` (PyTorch port) accepts 1 ≤ L ≤ P.
 */
export function checkInputLength(config: BiGSConfig, l: number, where = 'inputIds'): void {
  const p = config.maxPositionEmbeddings;
  if (config.kernelLength === 'max_position' && l !== p) {
    throw new Error(
      `${where}: sequence length must be exactly max_position_embeddings = ${p} under the Flax length semantics ` +
        `(kernel_length 'max_position'), got ${l}; right-pad with [PAD] to ${p}, or load with the override ` +
        `{ kernelLength: 'input' } to accept shorter inputs`,
    );
  }
  if (l < 1 || l > p) {
    throw new Error(`${where}: sequence length must be in [1, ${p}] (max_position_embeddings), got ${l}`);
  }
}

function as2d(t: tf.Tensor | null | undefined, b: number, l: number, name: string, dtype: tf.DataType) {
  if (t === null || t === undefined) return null;
  if (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== l) {
    throw new Error(`${name} must have shape [${b}, ${l}] like inputIds, got [${t.shape}]`);
  }
  return (t.dtype === dtype ? t : tf.cast(t, dtype)) as tf.Tensor2D;
}

/**
 * Base class of every model: the config, the head type, and (for heads) the backbone under the child name `bigs`.
 */
export abstract class BiGSPreTrainedModel extends Module {
  abstract readonly config: BiGSConfig;
  abstract readonly headType: HeadType;
  /** The backbone (`this` for the bare model). */
  abstract get backbone(): BiGSModel;
}

/**
 * The bare encoder (torch `BiGSModel`): `embeddings`, `encoder`, and a `pooler` when `addPoolingLayer`.
 *
 * @example
 * const m = new BiGSModel(createConfig(TINY));
 * m.forward({ inputIds: tf.zeros([2, 5], 'int32') }).lastHiddenState; // [2, 5, 8]
 */
export class BiGSModel extends BiGSPreTrainedModel {
  readonly config: BiGSConfig;
  readonly headType = 'base' as const;
  readonly embeddings: BiGSEmbeddings;
  readonly encoder: BiGSEncoder;
  readonly pooler: Pooler | null;

  constructor(config: BiGSConfig, options: { addPoolingLayer?: boolean; seed?: number } = {}) {
    super();
    this.config = config;
    const seed = options.seed ?? 0;
    this.embeddings = this.addChild('embeddings', new BiGSEmbeddings(config, mix32(seed, 1)));
    this.encoder = this.addChild('encoder', new BiGSEncoder(config, mix32(seed, 2)));
    this.pooler = options.addPoolingLayer
      ? this.addChild('pooler', new Pooler(config, mix32(seed, 3)))
      : null;
  }

  get backbone(): BiGSModel {
    return this;
  }

  /**
   * @param inputs `inputIds` `[B, L]` (+ optional mask / token types / positions `[B, L]`)
   * @returns lastHiddenState `[B, L, H]`, poolerOutput `[B, H]` (with pooler), hiddenStates on request
   */
  forward(inputs: ModelInputs, options: ForwardOptions = {}): BaseModelOutput {
    const ids = inputs.inputIds;
    if (ids?.rank !== 2) {
      throw new Error(`inputIds must be a [B, L] tensor, got ${ids ? `shape [${ids.shape}]` : String(ids)}`);
    }
    const [b, l] = ids.shape as [number, number];
    checkInputLength(this.config, l);
    const ctx = options.ctx ?? ForwardContext.eval();
    return tf.tidy(() => {
      const inputIds = as2d(ids, b, l, 'inputIds', 'int32')!; // [B, L]
      const mask = as2d(inputs.attentionMask, b, l, 'attentionMask', 'float32'); // [B, L] | null
      const types = as2d(inputs.tokenTypeIds, b, l, 'tokenTypeIds', 'int32'); // [B, L] | null
      const pos = as2d(inputs.positionIds, b, l, 'positionIds', 'int32'); // [B, L] | null
      const h0 = this.embeddings.forward(inputIds, types, pos, ctx); // [B, L, H]
      const enc = this.encoder.forward(h0, mask, ctx, options.outputHiddenStates ?? false);
      const out: BaseModelOutput = { lastHiddenState: enc.lastHiddenState };
      if (this.pooler) out.poolerOutput = this.pooler.forward(enc.lastHiddenState, mask); // [B, H]
      if (enc.hiddenStates) out.hiddenStates = enc.hiddenStates;
      return out as unknown as tf.TensorContainer;
    }) as unknown as BaseModelOutput;
  }
}

/** Dropout before a classifier, from the context. */
export function headDropout<T extends tf.Tensor>(x: T, rate: number, ctx: ForwardContext): T {
  return dropout(x, rate, ctx);
}
