/**
 * `BiGSConfig`: every field of the official `jxiw/BiGS:BiGS/configuration_bigs.py` (plus the inherited HF
 * `PretrainedConfig` fields the models use), and the switches this implementation adds to cover the paper's 2×2
 * (GATED/STACK × SSM/attention) and the two official code bases (Flax vs the authors' PyTorch port).
 *
 * On disk (`config.json`) keys are snake_case, exactly as HF writes them; in TypeScript they are camelCase.
 */

/** Whose computation a model follows. `flax` = official JAX code, `pytorch` = the authors' port, `bigs-ts` = ours. */
export type Semantics = 'flax' | 'pytorch' | 'bigs-ts';
/** Kernel length: `input` (PyTorch port: K has the input length, any L ≤ P) or `max_position` (Flax: L must equal P). */
export type KernelLength = 'input' | 'max_position';
export type BlockArchitecture = 'gated' | 'stack';
export type PoolerType = 'non_padding_mean' | 'mean' | 'first_token';
export type Scaling = 'hippo' | 'lin' | 'inv';
export type ProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';
export type ConvStrategyName = 'auto' | 'toeplitz' | 'fft' | 'spectral';

/** The model configuration (camelCase view of `config.json`). */
export interface BiGSConfig {
  // --- official BiGSConfig fields (configuration_bigs.py) ---
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  intermediateSize: number;
  /** Activation of the MLM head transform (HF ACT2FN name; `gelu` = exact erf GELU). */
  hiddenAct: string;
  hiddenDropoutProb: number;
  /** P: position-embedding rows, the largest input length, and (Flax semantics) the only input length. */
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  initializerRange: number;
  layerNormEps: number;
  padTokenId: number;
  /** `absolute` adds learned position embeddings; `none` skips them (the PyTorch port's switch). */
  positionEmbeddingType: 'absolute' | 'none';
  useCache: boolean;
  /** Dropout before the sequence classifier; null → hiddenDropoutProb. */
  classifierDropout: number | null;
  /** N: complex modes per S4D kernel. */
  numSsm: number;
  preNorm: boolean;
  /** Flax recurrent decoding switch; only `false` is supported (the conv form is computed). */
  decode: boolean;
  scaling: Scaling;
  poolerType: PoolerType;
  usePykeopsKernel: boolean;
  // --- inherited PretrainedConfig fields ---
  tieWordEmbeddings: boolean;
  numLabels: number;
  id2label: Record<string, string>;
  label2id: Record<string, number>;
  problemType: ProblemType | null;
  modelType: 'BiGS' | 'bert';
  architectures: string[] | null;
  // --- bigs-ts extensions (the 2×2 and the two official semantics) ---
  blockArchitecture: BlockArchitecture;
  /** Routing layer name from the gated-blocks registry (`bissm`, `attention`, or a registered one). */
  routing: string;
  /** GELU inside the blocks: `tanh` (Flax) or `erf` (PyTorch port, BERT). */
  blockGelu: 'tanh' | 'erf';
  kernelLength: KernelLength;
  numAttentionHeads: number;
  attentionProbsDropoutProb: number;
  convStrategy: ConvStrategyName;
  semantics: Semantics;
  /** HF bookkeeping keys read from config.json (`transformers_version`, …), written back unchanged. */
  extra: Record<string, unknown>;
}

type Check = (v: unknown) => string | null;

const isInt =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min ? null : `an integer >= ${min}`;
const isProb: Check = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : 'a number in [0, 1)');
const isPosNum: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a finite number > 0';
const isBool: Check = (v) => (typeof v === 'boolean' ? null : 'true | false');
const oneOf =
  (...xs: readonly unknown[]): Check =>
  (v) =>
    xs.includes(v) ? null : xs.map((x) => JSON.stringify(x)).join(' | ');
const isNonEmptyString: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : 'a non-empty string');
const HF_ACTS = ['gelu', 'gelu_erf', 'gelu_new', 'gelu_tanh', 'gelu_pytorch_tanh', 'relu'] as const;

interface FieldSpec {
  key: keyof BiGSConfig;
  json: string;
  check: Check;
}

/** Every config field, its `config.json` key and its validation. Order = write order. */
const FIELDS: FieldSpec[] = [
  { key: 'vocabSize', json: 'vocab_size', check: isInt(1) },
  { key: 'hiddenSize', json: 'hidden_size', check: isInt(1) },
  { key: 'numHiddenLayers', json: 'num_hidden_layers', check: isInt(0) },
  { key: 'intermediateSize', json: 'intermediate_size', check: isInt(1) },
  { key: 'hiddenAct', json: 'hidden_act', check: oneOf(...HF_ACTS) },
  { key: 'hiddenDropoutProb', json: 'hidden_dropout_prob', check: isProb },
  { key: 'maxPositionEmbeddings', json: 'max_position_embeddings', check: isInt(1) },
  { key: 'typeVocabSize', json: 'type_vocab_size', check: isInt(1) },
  {
    key: 'initializerRange',
    json: 'initializer_range',
    check: (v) => (typeof v === 'number' && v >= 0 && Number.isFinite(v) ? null : 'a finite number >= 0'),
  },
  { key: 'layerNormEps', json: 'layer_norm_eps', check: isPosNum },
  { key: 'padTokenId', json: 'pad_token_id', check: isInt(0) },
  { key: 'positionEmbeddingType', json: 'position_embedding_type', check: oneOf('absolute', 'none') },
  { key: 'useCache', json: 'use_cache', check: isBool },
  {
    key: 'classifierDropout',
    json: 'classifier_dropout',
    check: (v) => (v === null ? null : isProb(v) === null ? null : 'null or a number in [0, 1)'),
  },
  { key: 'numSsm', json: 'num_ssm', check: isInt(1) },
  { key: 'preNorm', json: 'pre_norm', check: isBool },
  {
    key: 'decode',
    json: 'decode',
    check: (v) => (v === false ? null : 'false (recurrent decoding is not supported)'),
  },
  { key: 'scaling', json: 'scaling', check: oneOf('hippo', 'lin', 'inv') },
  { key: 'poolerType', json: 'pooler_type', check: oneOf('non_padding_mean', 'mean', 'first_token') },
  { key: 'usePykeopsKernel', json: 'use_pykeops_kernel', check: isBool },
  { key: 'tieWordEmbeddings', json: 'tie_word_embeddings', check: isBool },
  { key: 'numLabels', json: 'num_labels', check: isInt(1) },
  {
    key: 'id2label',
    json: 'id2label',
    check: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === 'string')
        ? null
        : 'an object {"0": "LABEL_0", ...}',
  },
  {
    key: 'label2id',
    json: 'label2id',
    check: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => Number.isInteger(x) && (x as number) >= 0)
        ? null
        : 'an object {"LABEL_0": 0, ...}',
  },
  {
    key: 'problemType',
    json: 'problem_type',
    check: oneOf(null, 'regression', 'single_label_classification', 'multi_label_classification'),
  },
  { key: 'modelType', json: 'model_type', check: oneOf('BiGS', 'bert') },
  {
    key: 'architectures',
    json: 'architectures',
    check: (v) =>
      v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'))
        ? null
        : 'null or an array of strings',
  },
  { key: 'blockArchitecture', json: 'block_architecture', check: oneOf('gated', 'stack') },
  { key: 'routing', json: 'routing', check: isNonEmptyString },
  { key: 'blockGelu', json: 'block_gelu', check: oneOf('tanh', 'erf') },
  { key: 'kernelLength', json: 'kernel_length', check: oneOf('input', 'max_position') },
  { key: 'numAttentionHeads', json: 'num_attention_heads', check: isInt(1) },
  { key: 'attentionProbsDropoutProb', json: 'attention_probs_dropout_prob', check: isProb },
  { key: 'convStrategy', json: 'conv_strategy', check: oneOf('auto', 'toeplitz', 'fft', 'spectral') },
  { key: 'semantics', json: 'semantics', check: oneOf('flax', 'pytorch', 'bigs-ts') },
];

/**
 * Architecture fields: they fix the number and shapes of the tensors, so `config.json` must state them (a missing
 * one is an error naming it). Every other field may be absent and takes the default HF itself gives it
 * (dropout probabilities, `layer_norm_eps`, `initializer_range`, `num_labels`, …). `num_ssm` is required with the
 * SSM routing (`bissm`), `num_attention_heads` with attention routing.
 */
export const ARCHITECTURE_FIELDS: readonly string[] = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'intermediate_size',
  'max_position_embeddings',
  'type_vocab_size',
];

/** The `config.json` keys that must be present for a model with this routing layer. */
export function requiredArchitectureFields(routing: string): string[] {
  const extra = routing === 'attention' ? ['num_attention_heads'] : routing === 'bissm' ? ['num_ssm'] : [];
  return [...ARCHITECTURE_FIELDS, ...extra];
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
export const DEFAULT_CONFIG: Readonly<BiGSConfig> = Object.freeze({
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 24,
  intermediateSize: 3072,
  hiddenAct: 'gelu',
  hiddenDropoutProb: 0.1,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  initializerRange: 0.02,
  layerNormEps: 1e-12,
  padTokenId: 0,
  positionEmbeddingType: 'absolute',
  useCache: true,
  classifierDropout: null,
  numSsm: 64,
  preNorm: true,
  decode: false,
  scaling: 'hippo',
  poolerType: 'non_padding_mean',
  usePykeopsKernel: false,
  tieWordEmbeddings: true,
  numLabels: 2,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
  problemType: null,
  modelType: 'BiGS',
  architectures: null,
  blockArchitecture: 'gated',
  routing: 'bissm',
  blockGelu: 'tanh',
  kernelLength: 'input',
  numAttentionHeads: 12,
  attentionProbsDropoutProb: 0.1,
  convStrategy: 'auto',
  semantics: 'bigs-ts',
  extra: {},
}) as BiGSConfig;

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
  for (const f of FIELDS) {
    const expected = f.check(c[f.key]);
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
  const byJson = new Map(FIELDS.map((f) => [f.json, f]));
  const values: Partial<Record<keyof BiGSConfig, unknown>> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = byJson.get(k);
    if (f) values[f.key] = v;
    else if (HF_BOOKKEEPING_KEYS.includes(k)) extra[k] = v;
    else {
      throw new Error(
        `${where}: unknown field '${k}' (expected one of the BiGSConfig fields ${FIELDS.map((x) => x.json).join(', ')}, ` +
          `or an HF bookkeeping key ${HF_BOOKKEEPING_KEYS.join(', ')})`,
      );
    }
  }
  // Type-check the given values before defaults are applied so the message names the given field.
  for (const f of FIELDS) {
    if (!(f.key in values)) continue;
    const expected = f.check(values[f.key]);
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
  for (const f of FIELDS) out[f.json] = structuredClone(config[f.key]);
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
