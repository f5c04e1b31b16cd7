import { type BiGSConfig, createConfig, type Semantics, semanticsDefaults } from '../config/config.js';
import type { HeadType } from '../model/bigs-model.js';

/** The semantics names a run or an export can ask for, as on the command line. */
export const SEMANTICS_NAMES: readonly Semantics[] = ['bigs-ts', 'pytorch', 'flax'];

/** The official code bases an export can target. */
export type ExportTarget = 'pytorch' | 'flax';
export const EXPORT_TARGETS: readonly ExportTarget[] = ['pytorch', 'flax'];

/** The config fields a semantics name fixes (what `--semantics` sets before a run builds its model). */
export type SemanticsFields = Pick<BiGSConfig, 'semantics' | 'blockGelu' | 'kernelLength'>;

/**
 * The config fields of a semantics name: `pytorch` = the authors' PyTorch port (exact erf GELU inside the blocks,
 * kernel of the input length: any L ≤ P), `flax` = the official JAX/Flax code (tanh GELU inside the blocks, kernel
 * of length P: inputs must be exactly P long), `bigs-ts` = this implementation's default (tanh GELU, any L ≤ P).
 *
 * @example
 * semanticsConfig('pytorch'); // { semantics: 'pytorch', blockGelu: 'erf', kernelLength: 'input' }
 */
export function semanticsConfig(name: Semantics): SemanticsFields {
  if (!SEMANTICS_NAMES.includes(name)) {
    throw new Error(`semantics must be one of ${SEMANTICS_NAMES.join(' | ')}, got ${JSON.stringify(name)}`);
  }
  return { semantics: name, ...semanticsDefaults(name) };
}

/**
 * A config with the fields of a semantics name applied (validated). Architecture fields are unchanged, so weights
 * trained under one semantics load under another; only the arithmetic changes.
 *
 * @example
 * withSemantics(createConfig(TINY), 'flax').kernelLength; // 'max_position'
 */
export function withSemantics(config: BiGSConfig, name: Semantics): BiGSConfig {
  return createConfig({ ...config, ...semanticsConfig(name) });
}

/** One way a model's arithmetic differs from what the target code computes with the same weights. */
export interface SemanticsDifference {
  /** `config.json` key. */
  field: string;
  /** Value in our model. */
  ours: string;
  /** What the target computes. */
  target: string;
  /** Why, in one sentence. */
  reason: string;
}

/** Heads whose output goes through the pooler (so the pooler's arithmetic matters). */
const POOLED_HEADS: readonly HeadType[] = ['sequence-classification', 'multiple-choice'];

/**
 * Reject models the official BiGS code cannot hold at all (no flag converts these): the official code has only
 * the gated block with bidirectional-SSM routing and the conv (non-recurrent) form.
 */
export function assertExportable(config: BiGSConfig, target: ExportTarget): void {
  const arch = `${config.modelType}/${config.blockArchitecture}/${config.routing}`;
  if (config.modelType !== 'BiGS' || config.blockArchitecture !== 'gated' || config.routing !== 'bissm') {
    throw new Error(
      `export --to ${target}: this model is ${arch} (model_type/block_architecture/routing); the official BiGS ` +
        `code (jxiw/BiGS) has only BiGS/gated/bissm layers, so it cannot load it`,
    );
  }
}

/**
 * The config under which our implementation computes exactly what the target code computes when it loads an
 * export of `config` (the target ignores our extension keys and hard-codes its own behaviour).
 *
 * @example
 * targetConfig(createConfig(TINY), 'masked-lm', 'pytorch').blockGelu; // 'erf'
 */
export function targetConfig(config: BiGSConfig, head: HeadType, target: ExportTarget): BiGSConfig {
  assertExportable(config, target);
  const pooled = POOLED_HEADS.includes(head);
  const pooler =
    pooled && config.poolerType === 'first_token' ? { poolerType: 'non_padding_mean' as const } : {};
  if (target === 'pytorch') {
    // The port: erf GELU in the blocks, always pre-norm, kernel of the input length, honours position_embedding_type.
    return createConfig({ ...config, ...semanticsConfig('pytorch'), preNorm: true, ...pooler });
  }
  // Flax: tanh GELU in the blocks, kernel of length P, pre_norm honoured, position embeddings always added.
  return createConfig({
    ...config,
    ...semanticsConfig('flax'),
    positionEmbeddingType: 'absolute',
    ...pooler,
  });
}

const REASONS: Record<ExportTarget, Partial<Record<keyof BiGSConfig, string>>> = {
  pytorch: {
    blockGelu: 'the PyTorch port hard-codes the exact (erf) GELU inside the blocks and ignores block_gelu',
    preNorm: 'the PyTorch port always applies the LayerNorm before the block (it ignores pre_norm)',
    poolerType: "the PyTorch port's pooler knows only mean and non_padding_mean (first_token falls through)",
  },
  flax: {
    blockGelu: 'the Flax code uses the tanh GELU inside the blocks and ignores block_gelu',
    kernelLength:
      'the Flax code materialises the SSM kernel for max_position_embeddings, so inputs must be padded to that ' +
      'length and the padding enters the backward SSM',
    positionEmbeddingType:
      'the Flax code always adds position embeddings (it ignores position_embedding_type)',
    poolerType: 'the Flax pooler knows only mean and non_padding_mean (first_token falls through)',
  },
};

const JSON_KEYS: Partial<Record<keyof BiGSConfig, string>> = {
  blockGelu: 'block_gelu',
  preNorm: 'pre_norm',
  poolerType: 'pooler_type',
  kernelLength: 'kernel_length',
  positionEmbeddingType: 'position_embedding_type',
};

/**
 * Where our model's arithmetic differs from the target's with the same weights (empty: the target reproduces our
 * outputs). The `semantics` label itself is not a difference; only the fields that change the computation are.
 *
 * @example
 * semanticsDifferences(createConfig(TINY), 'masked-lm', 'pytorch');
 * // [{ field: 'block_gelu', ours: 'tanh', target: 'erf', reason: 'the PyTorch port hard-codes …' }]
 */
export function semanticsDifferences(
  config: BiGSConfig,
  head: HeadType,
  target: ExportTarget,
): SemanticsDifference[] {
  const t = targetConfig(config, head, target);
  const out: SemanticsDifference[] = [];
  for (const [key, reason] of Object.entries(REASONS[target]) as Array<[keyof BiGSConfig, string]>) {
    if (config[key] === t[key]) continue;
    out.push({ field: JSON_KEYS[key] ?? key, ours: String(config[key]), target: String(t[key]), reason });
  }
  return out;
}
