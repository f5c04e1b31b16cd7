/**
 * The one definition of `BiGSConfig`'s fields: for each field its `config.json` key, its zod schema (which gives
 * the TypeScript type and the validation), what the error message says it expects, and its default. Every field
 * of the official `jxiw/BiGS:BiGS/configuration_bigs.py`, the inherited HF `PretrainedConfig` fields the models
 * use, and the switches this implementation adds to cover the paper's 2×2 (GATED/STACK × SSM/attention) and the
 * two official code bases (Flax vs the authors' PyTorch port).
 */
import type { BlockArchitecture } from '@bigs/gated-blocks';
import { z } from 'zod';

/** One config field: `config.json` key, schema, the expected-value phrase of its error message, default. */
export interface FieldDef<S extends z.ZodType = z.ZodType> {
  json: string;
  schema: S;
  expected: string;
  default: z.output<S>;
  /**
   * An architecture field fixes tensor shapes, so `config.json` must state it: `true` always, a routing name
   * (`bissm`, `attention`) only for models with that routing layer.
   */
  architecture?: true | string;
}

interface Check<S extends z.ZodType> {
  schema: S;
  expected: string;
}

function field<S extends z.ZodType>(
  json: string,
  check: Check<S>,
  dflt: z.output<S>,
  architecture?: true | string,
): FieldDef<S> {
  return { json, schema: check.schema, expected: check.expected, default: dflt, architecture };
}

const int = (min: number) => ({ schema: z.number().int().min(min), expected: `an integer >= ${min}` });
const prob = { schema: z.number().min(0).lt(1), expected: 'a number in [0, 1)' };
const bool = { schema: z.boolean(), expected: 'true | false' };
function oneOf<const T extends readonly [string, ...string[]]>(...xs: T) {
  return { schema: z.enum(xs), expected: xs.map((x) => JSON.stringify(x)).join(' | ') };
}

/** HF ACT2FN names accepted for `hidden_act` (`gelu` = exact erf GELU). */
export const HF_ACTS: readonly string[] = [
  'gelu',
  'gelu_erf',
  'gelu_new',
  'gelu_tanh',
  'gelu_pytorch_tanh',
  'relu',
];

/** Every config field by its camelCase name. Order = `config.json` write order. */
export const CONFIG_FIELDS = {
  // --- official BiGSConfig fields (configuration_bigs.py) ---
  vocabSize: field('vocab_size', int(1), 30522, true),
  hiddenSize: field('hidden_size', int(1), 768, true),
  numHiddenLayers: field('num_hidden_layers', int(0), 24, true),
  intermediateSize: field('intermediate_size', int(1), 3072, true),
  /** Activation of the MLM head transform (HF ACT2FN name; `gelu` = exact erf GELU). */
  hiddenAct: field(
    'hidden_act',
    {
      schema: z.string().refine((v: string) => HF_ACTS.includes(v)),
      expected: HF_ACTS.map((x) => JSON.stringify(x)).join(' | '),
    },
    'gelu',
  ),
  hiddenDropoutProb: field('hidden_dropout_prob', prob, 0.1),
  /** P: position-embedding rows, the largest input length, and (Flax semantics) the only input length. */
  maxPositionEmbeddings: field('max_position_embeddings', int(1), 512, true),
  typeVocabSize: field('type_vocab_size', int(1), 2, true),
  initializerRange: field(
    'initializer_range',
    { schema: z.number().min(0).finite(), expected: 'a finite number >= 0' },
    0.02,
  ),
  layerNormEps: field(
    'layer_norm_eps',
    { schema: z.number().gt(0).finite(), expected: 'a finite number > 0' },
    1e-12,
  ),
  padTokenId: field('pad_token_id', int(0), 0),
  /** `absolute` adds learned position embeddings; `none` skips them (the PyTorch port's switch). */
  positionEmbeddingType: field('position_embedding_type', oneOf('absolute', 'none'), 'absolute'),
  useCache: field('use_cache', bool, true),
  /** Dropout before the sequence classifier; null → hiddenDropoutProb. */
  classifierDropout: field(
    'classifier_dropout',
    { schema: prob.schema.nullable(), expected: 'null or a number in [0, 1)' },
    null,
  ),
  /** N: complex modes per S4D kernel. */
  numSsm: field('num_ssm', int(1), 64, 'bissm'),
  preNorm: field('pre_norm', bool, true),
  /** Flax recurrent decoding switch; only `false` is supported (the conv form is computed). */
  decode: field(
    'decode',
    {
      schema: z.boolean().refine((v: boolean) => v === false),
      expected: 'false (recurrent decoding is not supported)',
    },
    false,
  ),
  scaling: field('scaling', oneOf('hippo', 'lin', 'inv'), 'hippo'),
  poolerType: field('pooler_type', oneOf('non_padding_mean', 'mean', 'first_token'), 'non_padding_mean'),
  usePykeopsKernel: field('use_pykeops_kernel', bool, false),
  // --- inherited PretrainedConfig fields ---
  tieWordEmbeddings: field('tie_word_embeddings', bool, true),
  numLabels: field('num_labels', int(1), 2),
  id2label: field(
    'id2label',
    { schema: z.record(z.string(), z.string()), expected: 'an object {"0": "LABEL_0", ...}' },
    { '0': 'LABEL_0', '1': 'LABEL_1' },
  ),
  label2id: field(
    'label2id',
    { schema: z.record(z.string(), z.number().int().min(0)), expected: 'an object {"LABEL_0": 0, ...}' },
    { LABEL_0: 0, LABEL_1: 1 },
  ),
  problemType: field(
    'problem_type',
    {
      schema: z.enum(['regression', 'single_label_classification', 'multi_label_classification']).nullable(),
      expected: 'null | "regression" | "single_label_classification" | "multi_label_classification"',
    },
    null,
  ),
  modelType: field('model_type', oneOf('BiGS', 'bert'), 'BiGS'),
  architectures: field(
    'architectures',
    { schema: z.array(z.string()).nullable(), expected: 'null or an array of strings' },
    null,
  ),
  // --- bigs-ts extensions (the 2×2 and the two official semantics) ---
  blockArchitecture: field(
    'block_architecture',
    oneOf('gated', 'stack') satisfies Check<z.ZodType<BlockArchitecture>>,
    'gated',
  ),
  /** Routing layer name from the gated-blocks registry (`bissm`, `attention`, or a registered one). */
  routing: field('routing', { schema: z.string().min(1), expected: 'a non-empty string' }, 'bissm'),
  /** GELU inside the blocks: `tanh` (Flax) or `erf` (PyTorch port, BERT). */
  blockGelu: field('block_gelu', oneOf('tanh', 'erf'), 'tanh'),
  /** Kernel length: `input` (PyTorch port: K has the input length, any L ≤ P) or `max_position` (Flax: L must equal P). */
  kernelLength: field('kernel_length', oneOf('input', 'max_position'), 'input'),
  numAttentionHeads: field('num_attention_heads', int(1), 12, 'attention'),
  attentionProbsDropoutProb: field('attention_probs_dropout_prob', prob, 0.1),
  convStrategy: field('conv_strategy', oneOf('auto', 'toeplitz', 'fft', 'spectral'), 'auto'),
  /** Whose computation a model follows. `flax` = official JAX code, `pytorch` = the authors' port, `bigs-ts` = ours. */
  semantics: field('semantics', oneOf('flax', 'pytorch', 'bigs-ts'), 'bigs-ts'),
};

/** A camelCase config field name. */
export type ConfigFieldName = keyof typeof CONFIG_FIELDS;

/** The model configuration (camelCase view of `config.json`); each field's type comes from its schema. */
export type BiGSConfig = {
  -readonly [K in ConfigFieldName]: z.output<(typeof CONFIG_FIELDS)[K]['schema']>;
} & {
  /** HF bookkeeping keys read from config.json (`transformers_version`, …), written back unchanged. */
  extra: Record<string, unknown>;
};

/** Whose computation a model follows. `flax` = official JAX code, `pytorch` = the authors' port, `bigs-ts` = ours. */
export type Semantics = BiGSConfig['semantics'];
/** Kernel length: `input` (PyTorch port: K has the input length, any L ≤ P) or `max_position` (Flax: L must equal P). */
export type KernelLength = BiGSConfig['kernelLength'];
export type PoolerType = BiGSConfig['poolerType'];
export type Scaling = BiGSConfig['scaling'];
export type ProblemType = NonNullable<BiGSConfig['problemType']>;
export type ConvStrategyName = BiGSConfig['convStrategy'];

/** The fields in write order, each with its camelCase name. */
export const FIELD_LIST: readonly (FieldDef & { key: ConfigFieldName })[] = (
  Object.keys(CONFIG_FIELDS) as ConfigFieldName[]
).map((key) => ({ key, ...(CONFIG_FIELDS[key] as FieldDef) }));

/** The camelCase field of a `config.json` key. */
export const FIELD_BY_JSON: ReadonlyMap<string, FieldDef & { key: ConfigFieldName }> = new Map(
  FIELD_LIST.map((f) => [f.json, f]),
);

/** The message part "must be …" of a value that fails its field's schema, or null when it is valid. */
export function fieldError(f: FieldDef, value: unknown): string | null {
  return f.schema.safeParse(value).success ? null : f.expected;
}

/** Every field at its default (the official `BiGSConfig()`, extensions at the Flax behaviour), `extra` empty. */
export function defaultFieldValues(): BiGSConfig {
  const out: Record<string, unknown> = { extra: {} };
  for (const f of FIELD_LIST) out[f.key] = structuredClone(f.default);
  return out as BiGSConfig;
}
