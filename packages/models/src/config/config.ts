/**
 * `BiGSConfig`: every field of the official `jxiw/BiGS:BiGS/configuration_bigs.py` (plus the inherited HF
 * `PretrainedConfig` fields the models use), and the switches this implementation adds to cover the paper's 2×2
 * (GATED/STACK × SSM/attention) and the two official code bases (Flax vs the authors' PyTorch port).
 *
 * On disk (`config.json`) keys are snake_case, exactly as HF writes them; in TypeScript they are camelCase.
 */

import {
  type BiGSConfig,
  defaultFieldValues,
  FIELD_BY_JSON,
  FIELD_LIST,
  fieldError,
  type Semantics,
} from './fields.js';

export type {
  BiGSConfig,
  ConfigFieldName,
  ConvStrategyName,
  KernelLength,
  PoolerType,
  ProblemType,
  Scaling,
  Semantics,
} from './fields.js';
export { CONFIG_FIELDS } from './fields.js';

/**
 * Architecture fields: they fix the number and shapes of the tensors, so `config.json` must state them (a missing
 * one is an error naming it). Every other field may be absent and takes the default HF itself gives it
 * (dropout probabilities, `layer_norm_eps`, `initializer_range`, `num_labels`, …). `num_ssm` is required with the
 * SSM routing (`bissm`), `num_attention_heads` with attention routing.
 */
export const ARCHITECTURE_FIELDS: readonly string[] = FIELD_LIST.filter((f) => f.architecture === true).map(
  (f) => f.json,
);

/** The `config.json` keys that must be present for a model with this routing layer. */
export function requiredArchitectureFields(routing: string): string[] {
  return FIELD_LIST.filter((f) => f.architecture === true || f.architecture === routing).map((f) => f.json);
}

/** HF `PretrainedConfig` bookkeeping keys accepted in config.json and carried through unchanged. */
export const HF_BOOKKEEPING_KEYS: readonly string[] = [
  'transformers_version',
  '_name_or_path',
  'torch_dtype',
  'dtype',
  'gradient_checkpointing',
  'finetuning_task',
  'bos_token_id',
  'eos_token_id',
  'sep_token_id',
  'output_hidden_states',
  'output_attentions',
  'return_dict',
  'is_decoder',
  'add_cross_attention',
  'tokenizer_class',
  'auto_map',
  '_commit_hash',
  'task_specific_params',
  'chunk_size_feed_forward',
  'output_past',
];

/** The official defaults (`BiGSConfig()`), with the extensions set to the Flax (authoritative) behaviour. */
export const DEFAULT_CONFIG: Readonly<BiGSConfig> = Object.freeze(defaultFieldValues());

/** Defaults that depend on whose semantics a model follows (used when config.json does not say). */
export function semanticsDefaults(semantics: Semantics): Pick<BiGSConfig, 'blockGelu' | 'kernelLength'> {
  switch (semantics) {
    case 'flax':
      return { blockGelu: 'tanh', kernelLength: 'max_position' };
    case 'pytorch':
      return { blockGelu: 'erf', kernelLength: 'input' };
    default:
      return { blockGelu: 'tanh', kernelLength: 'input' };
  }
}

function defaultLabels(n: number): Pick<BiGSConfig, 'id2label' | 'label2id'> {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    id2label[String(i)] = `LABEL_${i}`;
    label2id[`LABEL_${i}`] = i;
  }
  return { id2label, label2id };
}

/** Cross-field checks; throws an Error naming the field. */
function validate(c: BiGSConfig, where: string): BiGSConfig {
  for (const f of FIELD_LIST) {
    const expected = fieldError(f, c[f.key]);
    if (expected !== null) {
      throw new Error(`${where}: field '${f.json}' must be ${expected}, got ${JSON.stringify(c[f.key])}`);
    }
  }
  if (c.padTokenId >= c.vocabSize) {
    throw new Error(
      `${where}: field 'pad_token_id' must be < vocab_size (${c.vocabSize}), got ${c.padTokenId}`,
    );
  }
  if (Object.keys(c.id2label).length !== c.numLabels) {
    throw new Error(
      `${where}: field 'id2label' must have num_labels (${c.numLabels}) entries, got ${Object.keys(c.id2label).length}`,
    );
  }
  if (c.routing === 'attention' && c.hiddenSize % c.numAttentionHeads !== 0) {
    throw new Error(
      `${where}: field 'num_attention_heads' must divide hidden_size (${c.hiddenSize}), got ${c.numAttentionHeads}`,
    );
  }
  return c;
}

/**
 * Build a config from defaults plus camelCase overrides, validated.
 *
 * @example
 * const c = createConfig({ hiddenSize: 8, numHiddenLayers: 2 }); // c.vocabSize === 30522
 */
export function createConfig(overrides: Partial<BiGSConfig> = {}): BiGSConfig {
  const semantics = overrides.semantics ?? DEFAULT_CONFIG.semantics;
  const c: BiGSConfig = {
    ...structuredClone(DEFAULT_CONFIG as BiGSConfig),
    ...semanticsDefaults(semantics),
    ...structuredClone(overrides),
  };
  if (overrides.numLabels !== undefined && overrides.id2label === undefined) {
    Object.assign(c, defaultLabels(c.numLabels));
  }
  return validate(c, 'BiGSConfig');
}

/** Options of {@link configFromJSON}. */
export interface FromJSONOptions {
  /** Semantics assumed when config.json has no `semantics` key (e.g. a file written by the Python code). */
  defaultSemantics?: Semantics;
  /** Name used in error messages (e.g. the file path). */
  source?: string;
}

/**
 * Parse a `config.json` object (snake_case). Unknown keys are an error naming the key (HF bookkeeping keys such as
 * `transformers_version` are accepted and kept in `extra`); wrong types or ranges name the field and what it expects.
 * A missing architecture field ({@link requiredArchitectureFields}: vocab_size, hidden_size, num_hidden_layers,
 * intermediate_size, max_position_embeddings, type_vocab_size, and num_ssm or num_attention_heads) is an error
 * naming it; other missing keys take the official defaults; `block_gelu` / `kernel_length` default from `semantics`.
 *
 * @example
 * const c = configFromJSON(
 *   { vocab_size: 30522, hidden_size: 1024, num_hidden_layers: 23, intermediate_size: 3072,
 *     max_position_embeddings: 128, type_vocab_size: 2, num_ssm: 64 },
 *   { defaultSemantics: 'flax' },
 * );
 * c.kernelLength; // 'max_position'
 */
export function configFromJSON(json: unknown, options: FromJSONOptions = {}): BiGSConfig {
  const where = options.source ?? 'config.json';
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${where}: must be a JSON object, got ${JSON.stringify(json)?.slice(0, 80)}`);
  }
  const obj = json as Record<string, unknown>;
  const values: Partial<Record<keyof BiGSConfig, unknown>> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = FIELD_BY_JSON.get(k);
    if (f) values[f.key] = v;
    else if (HF_BOOKKEEPING_KEYS.includes(k)) extra[k] = v;
    else {
      throw new Error(
        `${where}: unknown field '${k}' (expected one of the BiGSConfig fields ${FIELD_LIST.map((x) => x.json).join(', ')}, ` +
          `or an HF bookkeeping key ${HF_BOOKKEEPING_KEYS.join(', ')})`,
      );
    }
  }
  // Type-check the given values before defaults are applied so the message names the given field.
  for (const f of FIELD_LIST) {
    if (!(f.key in values)) continue;
    const expected = fieldError(f, values[f.key]);
    if (expected !== null) {
      throw new Error(
        `${where}: field '${f.json}' must be ${expected}, got ${JSON.stringify(values[f.key])}`,
      );
    }
  }
  const modelType = (values.modelType as BiGSConfig['modelType'] | undefined) ?? 'BiGS';
  const routing = (values.routing as string | undefined) ?? (modelType === 'bert' ? 'attention' : 'bissm');
  const missing = requiredArchitectureFields(routing).filter((k) => !(k in obj));
  if (missing.length > 0) {
    const list = missing.map((k) => `'${k}'`).join(', ');
    throw new Error(
      `${where}: missing architecture field${missing.length > 1 ? 's' : ''} ${list} (they fix the tensor shapes, ` +
        `so they have no default; add ${missing.map((k) => `"${k}"`).join(', ')} with the values the model was built with)`,
    );
  }
  const semantics = (values.semantics as Semantics | undefined) ?? options.defaultSemantics ?? 'bigs-ts';
  const base: Partial<BiGSConfig> =
    modelType === 'bert'
      ? // An HF BERT config.json: STACK + attention, post-norm, erf GELU in the FFN, [CLS] pooling.
        {
          blockArchitecture: 'stack',
          routing: 'attention',
          preNorm: false,
          blockGelu: 'erf',
          poolerType: 'first_token',
          kernelLength: 'input',
        }
      : semanticsDefaults(semantics);
  const c: BiGSConfig = {
    ...structuredClone(DEFAULT_CONFIG as BiGSConfig),
    ...base,
    semantics,
    ...(structuredClone(values) as Partial<BiGSConfig>),
    extra,
  };
  if (values.numLabels === undefined && values.id2label !== undefined) {
    c.numLabels = Object.keys(c.id2label).length;
  }
  if (values.id2label === undefined) Object.assign(c, defaultLabels(c.numLabels));
  if (values.label2id === undefined) {
    c.label2id = Object.fromEntries(Object.entries(c.id2label).map(([i, l]) => [l, Number(i)]));
  }
  if (modelType === 'bert' && values.blockGelu === undefined && values.hiddenAct !== undefined) {
    c.blockGelu = ['gelu_new', 'gelu_tanh', 'gelu_pytorch_tanh'].includes(c.hiddenAct) ? 'tanh' : 'erf';
  }
  return validate(c, where);
}

/**
 * Serialise to the `config.json` object (snake_case, every field, HF bookkeeping keys carried through).
 *
 * @example
 * JSON.stringify(configToJSON(createConfig())); // '{"vocab_size":30522,...}'
 */
export function configToJSON(config: BiGSConfig): Record<string, unknown> {
  validate(config, 'configToJSON');
  const out: Record<string, unknown> = {};
  for (const f of FIELD_LIST) out[f.json] = structuredClone(config[f.key]);
  for (const [k, v] of Object.entries(config.extra)) out[k] = v;
  return out;
}

/** The released BiGS models (`pretrain.md`): 23 layers, H = 1024, I = 3072, N = 64, P = 128 (Flax semantics). */
export const BIGS_LARGE: Readonly<Partial<BiGSConfig>> = Object.freeze({
  vocabSize: 30522,
  hiddenSize: 1024,
  numHiddenLayers: 23,
  intermediateSize: 3072,
  numSsm: 64,
  maxPositionEmbeddings: 128,
  semantics: 'flax' as const,
  architectures: ['BiGSForMaskedLM'],
});

/** BERT-base as the paper's STACK + attention baseline (12 layers, H = 768, 12 heads, post-norm, erf GELU). */
export const BERT_BASE: Readonly<Partial<BiGSConfig>> = Object.freeze({
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  intermediateSize: 3072,
  numAttentionHeads: 12,
  maxPositionEmbeddings: 512,
  blockArchitecture: 'stack' as const,
  routing: 'attention',
  preNorm: false,
  blockGelu: 'erf' as const,
  poolerType: 'first_token' as const,
  modelType: 'bert' as const,
});

/** A tiny BiGS for tests and smoke runs (H = 8, I = 16, 2 layers, V = 50, N = 4, P = 16). */
export const TINY: Readonly<Partial<BiGSConfig>> = Object.freeze({
  vocabSize: 50,
  hiddenSize: 8,
  numHiddenLayers: 2,
  intermediateSize: 16,
  numSsm: 4,
  maxPositionEmbeddings: 16,
  numAttentionHeads: 2,
});

/** Presets by name (for CLIs). */
export const PRESETS: Readonly<Record<string, Readonly<Partial<BiGSConfig>>>> = Object.freeze({
  'bigs-large': BIGS_LARGE,
  'bert-base': BERT_BASE,
  tiny: TINY,
});
