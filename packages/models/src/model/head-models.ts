import { type Dense, ForwardContext, mix32 } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import type { BiGSConfig, ProblemType } from '../config/config.js';
import {
  type BaseModelOutput,
  BiGSModel,
  BiGSPreTrainedModel,
  type ForwardOptions,
  type HeadType,
  headDropout,
  type ModelInputs,
} from './bigs-model.js';
import { lecunDense, MaskedLMHead } from './heads.js';
import { bceWithLogits, crossEntropyIgnore, mseLoss } from './losses.js';

/** Options of every model constructor. */
export interface ModelOptions {
  /** Init seed (deterministic); default 0. */
  seed?: number;
}

abstract class HeadModel extends BiGSPreTrainedModel {
  readonly config: BiGSConfig;
  readonly bigs: BiGSModel;

  constructor(config: BiGSConfig, addPoolingLayer: boolean, seed: number) {
    super();
    this.config = config;
    this.bigs = this.addChild('bigs', new BiGSModel(config, { addPoolingLayer, seed: mix32(seed, 1) }));
  }

  get backbone(): BiGSModel {
    return this.bigs;
  }
}

/** MLM inputs: either `labels` `[B, L]` (−100 / −1 = not a target), or gathered `maskedPositions` `[B, M]`. */
export interface MaskedLMInputs extends ModelInputs {
  /** `[B, L]` int32 targets; positions with a label < 0 are ignored. */
  labels?: tf.Tensor | null;
  /**
   * `[B, M]` int32 positions to predict (academic-budget-bert `masked_lm_positions`). When given, the head runs
   * only on these rows (logits `[B, M, V]`), which saves most of the memory of a V = 30522 output.
   */
  maskedPositions?: tf.Tensor | null;
  /** `[B, M]` int32 targets for `maskedPositions` (< 0 = padding slot, ignored). */
  maskedLabels?: tf.Tensor | null;
}

export interface MaskedLMOutput extends BaseModelOutput {
  /** `[B, L, V]`, or `[B, M, V]` with `maskedPositions`. */
  logits: tf.Tensor3D;
  /** Mean cross-entropy over labelled positions. */
  loss?: tf.Scalar;
}

/**
 * BiGS with the MLM head (`cls.predictions.*`), decoder tied to `bigs.embeddings.word_embeddings.weight`.
 *
 * @example
 * const m = new BiGSForMaskedLM(createConfig(TINY));
 * m.forward({ inputIds: ids }).logits; // [B, L, 50]
 * m.forward({ inputIds: ids, maskedPositions: pos, maskedLabels: lab }).loss; // []
 */
export class BiGSForMaskedLM extends HeadModel {
  readonly headType = 'masked-lm' as const;
  readonly cls: MaskedLMHead;

  constructor(config: BiGSConfig, options: ModelOptions = {}) {
    const seed = options.seed ?? 0;
    super(config, false, seed);
    this.cls = this.addChild('cls', new MaskedLMHead(config, mix32(seed, 2)));
  }

  forward(inputs: MaskedLMInputs, options: ForwardOptions = {}): MaskedLMOutput {
    const base = this.bigs.forward(inputs, options);
    const [b, l, h] = base.lastHiddenState.shape;
    const v = this.config.vocabSize;
    const out = tf.tidy(() => {
      const table = this.bigs.embeddings.wordEmbeddings.weight as tf.Tensor2D; // [V, H]
      const res: Partial<MaskedLMOutput> = {};
      if (inputs.maskedPositions) {
        const pos = inputs.maskedPositions;
        if (pos.rank !== 2 || pos.shape[0] !== b) {
          throw new Error(`maskedPositions must have shape [${b}, M], got [${pos.shape}]`);
        }
        const m = pos.shape[1] as number;
        // Gather the rows first: [B·M, H] instead of [B·L, H] through the V-wide decoder.
        const flat = tf.add(tf.reshape(tf.range(0, b * l, l, 'int32'), [b, 1]), tf.cast(pos, 'int32')); // [B, M]
        const rows = tf.gather(tf.reshape(base.lastHiddenState, [b * l, h]), tf.reshape(flat, [b * m])); // [B·M, H]
        const logits2 = this.cls.forward(rows as tf.Tensor2D, table); // [B·M, V]
        res.logits = tf.reshape(logits2, [b, m, v]) as tf.Tensor3D;
        if (inputs.maskedLabels) {
          if (inputs.maskedLabels.size !== b * m) {
            throw new Error(
              `maskedLabels must have shape [${b}, ${m}] like maskedPositions, got [${inputs.maskedLabels.shape}]`,
            );
          }
          res.loss = crossEntropyIgnore(
            logits2,
            tf.reshape(tf.cast(inputs.maskedLabels, 'int32'), [b * m]) as tf.Tensor1D,
          );
        }
      } else {
        const logits2 = this.cls.forward(tf.reshape(base.lastHiddenState, [b * l, h]) as tf.Tensor2D, table); // [B·L, V]
        res.logits = tf.reshape(logits2, [b, l, v]) as tf.Tensor3D;
        if (inputs.labels) {
          if (inputs.labels.size !== b * l) {
            throw new Error(
              `labels must have shape [${b}, ${l}] like inputIds, got [${inputs.labels.shape}]`,
            );
          }
          res.loss = crossEntropyIgnore(
            logits2,
            tf.reshape(tf.cast(inputs.labels, 'int32'), [b * l]) as tf.Tensor1D,
          );
        }
      }
      return res as unknown as tf.TensorContainer;
    }) as unknown as MaskedLMOutput;
    return { ...base, ...out };
  }
}

export interface SequenceClassifierInputs extends ModelInputs {
  /** `[B]` int32 class ids (classification), `[B]` float (regression, numLabels = 1), `[B, numLabels]` (multi-label). */
  labels?: tf.Tensor | null;
}

export interface SequenceClassifierOutput extends BaseModelOutput {
  /** `[B, numLabels]` */
  logits: tf.Tensor2D;
  loss?: tf.Scalar;
}

/** HF's rule: regression when numLabels = 1, single-label when labels are integers, else multi-label. */
export function resolveProblemType(config: BiGSConfig, labels: tf.Tensor): ProblemType {
  if (config.problemType) return config.problemType;
  if (config.numLabels === 1) return 'regression';
  return labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification';
}

function classificationLoss(config: BiGSConfig, logits: tf.Tensor2D, labels: tf.Tensor): tf.Scalar {
  const n = logits.shape[0];
  switch (resolveProblemType(config, labels)) {
    case 'regression':
      return mseLoss(config.numLabels === 1 ? tf.reshape(logits, [n]) : logits, labels);
    case 'multi_label_classification':
      return bceWithLogits(logits, labels);
    default:
      if (labels.size !== n) throw new Error(`labels must have shape [${n}], got [${labels.shape}]`);
      return crossEntropyIgnore(logits, tf.reshape(tf.cast(labels, 'int32'), [n]) as tf.Tensor1D);
  }
}

/**
 * Sequence classification / regression (docs/guide/architecture.md#pooler, docs/guide/architecture.md#classification-heads): pooler (masked mean → dense → tanh), dropout
 * (`classifierDropout` ?? `hiddenDropoutProb`), `classifier` Dense(H → numLabels, lecun_normal).
 * Loss: MSE when numLabels = 1 (regression), cross-entropy for int labels, BCE for multi-label.
 *
 * @example
 * new BiGSForSequenceClassification(createConfig({ ...TINY, numLabels: 3 })).forward({ inputIds, attentionMask }).logits; // [B, 3]
 */
export class BiGSForSequenceClassification extends HeadModel {
  readonly headType = 'sequence-classification' as const;
  readonly classifier: Dense;

  constructor(config: BiGSConfig, options: ModelOptions = {}) {
    const seed = options.seed ?? 0;
    super(config, true, seed);
    this.classifier = this.addChild(
      'classifier',
      lecunDense(config.hiddenSize, config.numLabels, mix32(seed, 2)),
    );
  }

  forward(inputs: SequenceClassifierInputs, options: ForwardOptions = {}): SequenceClassifierOutput {
    const ctx = options.ctx ?? ForwardContext.eval();
    const base = this.bigs.forward(inputs, { ...options, ctx });
    const rate = this.config.classifierDropout ?? this.config.hiddenDropoutProb;
    const extra = tf.tidy(() => {
      const logits = this.classifier.forward(headDropout(base.poolerOutput!, rate, ctx)); // [B, numLabels]
      const res: { logits: tf.Tensor2D; loss?: tf.Scalar } = { logits };
      if (inputs.labels) res.loss = classificationLoss(this.config, logits, inputs.labels);
      return res as unknown as tf.TensorContainer;
    }) as unknown as { logits: tf.Tensor2D; loss?: tf.Scalar };
    return { ...base, ...extra };
  }
}

export interface TokenClassifierInputs extends ModelInputs {
  /** `[B, L]` int32 (−100 = ignored). */
  labels?: tf.Tensor | null;
}

export interface TokenClassifierOutput extends BaseModelOutput {
  /** `[B, L, numLabels]` */
  logits: tf.Tensor3D;
  loss?: tf.Scalar;
}

/**
 * Token classification (docs/guide/architecture.md#classification-heads): dropout, `classifier` Dense(H → numLabels) on every position.
 * @example
 * model.forward({ inputIds }).logits; // [B, L, numLabels]
 */
export class BiGSForTokenClassification extends HeadModel {
  readonly headType = 'token-classification' as const;
  readonly classifier: Dense;

  constructor(config: BiGSConfig, options: ModelOptions = {}) {
    const seed = options.seed ?? 0;
    super(config, false, seed);
    this.classifier = this.addChild(
      'classifier',
      lecunDense(config.hiddenSize, config.numLabels, mix32(seed, 2)),
    );
  }

  forward(inputs: TokenClassifierInputs, options: ForwardOptions = {}): TokenClassifierOutput {
    const ctx = options.ctx ?? ForwardContext.eval();
    const base = this.bigs.forward(inputs, { ...options, ctx });
    const [b, l] = base.lastHiddenState.shape;
    const c = this.config.numLabels;
    const extra = tf.tidy(() => {
      const logits = this.classifier.forward(
        headDropout(base.lastHiddenState, this.config.hiddenDropoutProb, ctx),
      ); // [B, L, C]
      const res: { logits: tf.Tensor3D; loss?: tf.Scalar } = { logits };
      if (inputs.labels) {
        if (inputs.labels.size !== b * l)
          throw new Error(`labels must have shape [${b}, ${l}], got [${inputs.labels.shape}]`);
        res.loss = crossEntropyIgnore(
          tf.reshape(logits, [b * l, c]) as tf.Tensor2D,
          tf.reshape(tf.cast(inputs.labels, 'int32'), [b * l]) as tf.Tensor1D,
        );
      }
      return res as unknown as tf.TensorContainer;
    }) as unknown as { logits: tf.Tensor3D; loss?: tf.Scalar };
    return { ...base, ...extra };
  }
}

export interface QuestionAnsweringInputs extends ModelInputs {
  /** `[B]` int32 start token index (clamped to [0, L]; L = ignored). */
  startPositions?: tf.Tensor | null;
  /** `[B]` int32 end token index. */
  endPositions?: tf.Tensor | null;
}

export interface QuestionAnsweringOutput extends BaseModelOutput {
  /** `[B, L]` */
  startLogits: tf.Tensor2D;
  /** `[B, L]` */
  endLogits: tf.Tensor2D;
  /** (CE(start) + CE(end)) / 2, positions clamped to [0, L] and L ignored, as HF. */
  loss?: tf.Scalar;
}

/**
 * Extractive QA (docs/guide/architecture.md#classification-heads): `qa_outputs` Dense(H → 2) on every position, split into start / end logits.
 * @example
 * model.forward({ inputIds }).startLogits; // [B, L]
 */
export class BiGSForQuestionAnswering extends HeadModel {
  readonly headType = 'question-answering' as const;
  readonly qaOutputs: Dense;

  constructor(config: BiGSConfig, options: ModelOptions = {}) {
    const seed = options.seed ?? 0;
    if (config.numLabels !== 2) {
      throw new Error(
        `BiGSForQuestionAnswering: config field 'num_labels' must be 2 (start, end), got ${config.numLabels}`,
      );
    }
    super(config, false, seed);
    this.qaOutputs = this.addChild('qa_outputs', lecunDense(config.hiddenSize, 2, mix32(seed, 2)));
  }

  forward(inputs: QuestionAnsweringInputs, options: ForwardOptions = {}): QuestionAnsweringOutput {
    const base = this.bigs.forward(inputs, options);
    const [b, l] = base.lastHiddenState.shape;
    const extra = tf.tidy(() => {
      const logits = this.qaOutputs.forward(base.lastHiddenState); // [B, L, 2]
      const startLogits = tf.reshape(tf.slice(logits, [0, 0, 0], [-1, -1, 1]), [b, l]) as tf.Tensor2D; // [B, L]
      const endLogits = tf.reshape(tf.slice(logits, [0, 0, 1], [-1, -1, 1]), [b, l]) as tf.Tensor2D; // [B, L]
      const res: { startLogits: tf.Tensor2D; endLogits: tf.Tensor2D; loss?: tf.Scalar } = {
        startLogits,
        endLogits,
      };
      if (inputs.startPositions && inputs.endPositions) {
        // Clamp to [0, L]; index L (out of the sequence) is then ignored by crossEntropyIgnore (label ≥ C).
        const clampPos = (p: tf.Tensor, name: string) => {
          if (p.size !== b) throw new Error(`${name} must have shape [${b}], got [${p.shape}]`);
          return tf.cast(
            tf.clipByValue(tf.reshape(tf.cast(p, 'float32'), [b]), 0, l),
            'int32',
          ) as tf.Tensor1D;
        };
        const s = crossEntropyIgnore(startLogits, clampPos(inputs.startPositions, 'startPositions'));
        const e = crossEntropyIgnore(endLogits, clampPos(inputs.endPositions, 'endPositions'));
        res.loss = tf.div(tf.add(s, e), 2) as tf.Scalar;
      }
      return res as unknown as tf.TensorContainer;
    }) as unknown as { startLogits: tf.Tensor2D; endLogits: tf.Tensor2D; loss?: tf.Scalar };
    return { ...base, ...extra };
  }
}

export interface MultipleChoiceInputs {
  /** `[B, C, L]` int32 */
  inputIds: tf.Tensor;
  attentionMask?: tf.Tensor | null;
  tokenTypeIds?: tf.Tensor | null;
  positionIds?: tf.Tensor | null;
  /** `[B]` int32 index of the right choice. */
  labels?: tf.Tensor | null;
}

export interface MultipleChoiceOutput extends BaseModelOutput {
  /** `[B, C]` */
  logits: tf.Tensor2D;
  loss?: tf.Scalar;
}

/**
 * Multiple choice (docs/guide/architecture.md#classification-heads): flatten `[B, C, L]` → `[B·C, L]`, pooler, dropout, `classifier` Dense(H → 1),
 * reshape to `[B, C]`. Backbone outputs are `[B·C, …]`.
 * @example
 * model.forward({ inputIds: tf.zeros([2, 4, 16], 'int32') }).logits; // [2, 4]
 */
export class BiGSForMultipleChoice extends HeadModel {
  readonly headType = 'multiple-choice' as const;
  readonly classifier: Dense;

  constructor(config: BiGSConfig, options: ModelOptions = {}) {
    const seed = options.seed ?? 0;
    super(config, true, seed);
    this.classifier = this.addChild('classifier', lecunDense(config.hiddenSize, 1, mix32(seed, 2)));
  }

  forward(inputs: MultipleChoiceInputs, options: ForwardOptions = {}): MultipleChoiceOutput {
    const ids = inputs.inputIds;
    if (ids?.rank !== 3) throw new Error(`inputIds must be a [B, C, L] tensor, got shape [${ids?.shape}]`);
    const [b, c, l] = ids.shape as [number, number, number];
    const flat = (t: tf.Tensor | null | undefined, name: string) => {
      if (!t) return null;
      if (t.rank !== 3 || t.shape[0] !== b || t.shape[1] !== c || t.shape[2] !== l) {
        throw new Error(`${name} must have shape [${b}, ${c}, ${l}] like inputIds, got [${t.shape}]`);
      }
      return tf.reshape(t, [b * c, l]);
    };
    const flatInputs = {
      inputIds: flat(ids, 'inputIds')!,
      attentionMask: flat(inputs.attentionMask, 'attentionMask'),
      tokenTypeIds: flat(inputs.tokenTypeIds, 'tokenTypeIds'),
      positionIds: flat(inputs.positionIds, 'positionIds'),
    };
    const ctx = options.ctx ?? ForwardContext.eval();
    let base: BaseModelOutput;
    try {
      base = this.bigs.forward(flatInputs, { ...options, ctx });
    } finally {
      tf.dispose(Object.values(flatInputs).filter((t): t is tf.Tensor => t !== null));
    }
    const extra = tf.tidy(() => {
      const logits1 = this.classifier.forward(
        headDropout(base.poolerOutput!, this.config.hiddenDropoutProb, ctx),
      ); // [B·C, 1]
      const logits = tf.reshape(logits1, [b, c]) as tf.Tensor2D; // [B, C]
      const res: { logits: tf.Tensor2D; loss?: tf.Scalar } = { logits };
      if (inputs.labels) {
        if (inputs.labels.size !== b)
          throw new Error(`labels must have shape [${b}], got [${inputs.labels.shape}]`);
        res.loss = crossEntropyIgnore(
          logits,
          tf.reshape(tf.cast(inputs.labels, 'int32'), [b]) as tf.Tensor1D,
        );
      }
      return res as unknown as tf.TensorContainer;
    }) as unknown as { logits: tf.Tensor2D; loss?: tf.Scalar };
    return { ...base, ...extra };
  }
}

/** Any model this package builds. */
export type AnyBiGSModel =
  | BiGSModel
  | BiGSForMaskedLM
  | BiGSForSequenceClassification
  | BiGSForTokenClassification
  | BiGSForQuestionAnswering
  | BiGSForMultipleChoice;

/**
 * Build a freshly initialised model with the given head.
 * @example
 * createModel(createConfig(TINY), 'masked-lm', { seed: 1 }); // BiGSForMaskedLM
 */
export function createModel(config: BiGSConfig, head: HeadType, options: ModelOptions = {}): AnyBiGSModel {
  switch (head) {
    case 'base':
      return new BiGSModel(config, { seed: options.seed ?? 0 });
    case 'masked-lm':
      return new BiGSForMaskedLM(config, options);
    case 'sequence-classification':
      return new BiGSForSequenceClassification(config, options);
    case 'token-classification':
      return new BiGSForTokenClassification(config, options);
    case 'question-answering':
      return new BiGSForQuestionAnswering(config, options);
    case 'multiple-choice':
      return new BiGSForMultipleChoice(config, options);
    default:
      throw new Error(
        `createModel: head must be one of base | masked-lm | sequence-classification | token-classification | ` +
          `question-answering | multiple-choice, got ${JSON.stringify(head)}`,
      );
  }
}

/** HF class names per head (written to `architectures`). */
export function architectureName(config: BiGSConfig, head: HeadType): string {
  const prefix = config.modelType === 'bert' ? 'Bert' : 'BiGS';
  const suffix: Record<HeadType, string> = {
    base: 'Model',
    'masked-lm': 'ForMaskedLM',
    'sequence-classification': 'ForSequenceClassification',
    'token-classification': 'ForTokenClassification',
    'question-answering': 'ForQuestionAnswering',
    'multiple-choice': 'ForMultipleChoice',
  };
  return prefix + suffix[head];
}

/** The head an `architectures` entry names (null when unknown). */
export function headFromArchitecture(name: string): HeadType | null {
  const m =
    /^(?:BiGS|Bert|FlaxBiGS|FlaxBert)(Model|ForMaskedLM|ForSequenceClassification|ForTokenClassification|ForQuestionAnswering|ForMultipleChoice|ForPreTraining)$/.exec(
      name,
    );
  if (!m) return null;
  const map: Record<string, HeadType> = {
    Model: 'base',
    ForMaskedLM: 'masked-lm',
    ForPreTraining: 'masked-lm',
    ForSequenceClassification: 'sequence-classification',
    ForTokenClassification: 'token-classification',
    ForQuestionAnswering: 'question-answering',
    ForMultipleChoice: 'multiple-choice',
  };
  return map[m[1]!] ?? null;
}
