import type { BiGSConfig, BiGSForSequenceClassification, ProblemType } from '@bigs/models';
import { forEachBatch, makeCallable, type PipelineContext, resultBase } from './context.js';
import { encodeInputs, textPair } from './encode.js';
import { sigmoid, softmax, topKIndices } from './scores.js';
import type { PipelineBase, ResultBase, TextInput } from './types.js';

/** Options of one text-classification call. */
export interface TextClassificationCallOptions {
  /** Labels per result, best first: a number, or `'all'` (default 1). Regression models have one output. */
  topK?: number | 'all';
}

/** A label and its score. */
export interface LabelScore {
  /** Class id. */
  id: number;
  /** Name from config.json `id2label`. */
  label: string;
  /** Softmax probability (single-label), sigmoid (multi-label), or the predicted value (regression). */
  score: number;
}

/** Text-classification answer for one input (a text or a pair). */
export interface TextClassificationResult extends ResultBase {
  /** Best label (regression: the name of the single output). */
  label: string;
  /** Its score. */
  score: number;
  /** The top-k labels, best first. */
  labels: LabelScore[];
  /** Raw logits `[numLabels]`. */
  logits: number[];
  /** How scores were computed: softmax, sigmoid per label, or the raw value. */
  problemType: ProblemType;
}

/**
 * A text-classification pipeline: `await classify('a gripping tale')`, `await classify({ text, pair })`, or an
 * array of either.
 */
export interface TextClassificationPipeline extends PipelineBase<'text-classification'> {
  (input: TextInput, options?: TextClassificationCallOptions): Promise<TextClassificationResult>;
  (
    inputs: readonly TextInput[],
    options?: TextClassificationCallOptions,
  ): Promise<TextClassificationResult[]>;
}

/**
 * HF's rule: the config's problem_type, else regression for one label, else single-label classification.
 *
 * @example
 * classificationProblem(createConfig({ ...TINY, numLabels: 1 })); // 'regression'
 */
export function classificationProblem(config: BiGSConfig): ProblemType {
  return config.problemType ?? (config.numLabels === 1 ? 'regression' : 'single_label_classification');
}

/**
 * `id2label[id]`, else `LABEL_<id>`.
 *
 * @example
 * labelName(config, 1); // 'positive' (config.json: "id2label": {"0": "negative", "1": "positive"})
 */
export function labelName(config: BiGSConfig, id: number): string {
  return config.id2label[String(id)] ?? `LABEL_${id}`;
}

/**
 * Scores of one row of logits: softmax (single-label), sigmoid (multi-label) or the logits themselves
 * (regression), with the top-k labels.
 *
 * @example
 * scoreLogits(config, [0.1, 2.3], 'all').labels[0].label; // 'positive'
 */
export function scoreLogits(
  config: BiGSConfig,
  logits: ArrayLike<number>,
  topK: number | 'all',
): Pick<TextClassificationResult, 'label' | 'score' | 'labels' | 'logits' | 'problemType'> {
  const problemType = classificationProblem(config);
  const values =
    problemType === 'regression'
      ? Float64Array.from(logits)
      : problemType === 'multi_label_classification'
        ? sigmoid(logits)
        : softmax(logits);
  const k = topK === 'all' ? values.length : topK;
  const labels = topKIndices(values, k).map((id) => ({
    id,
    label: labelName(config, id),
    score: values[id]!,
  }));
  return {
    label: labels[0]!.label,
    score: labels[0]!.score,
    labels,
    logits: Array.from(logits),
    problemType,
  };
}

async function runClassification(
  ctx: PipelineContext<'text-classification'>,
  inputs: readonly TextInput[],
  options: TextClassificationCallOptions,
): Promise<TextClassificationResult[]> {
  const topK = options.topK ?? 1;
  if (topK !== 'all' && (!Number.isInteger(topK) || topK < 1)) {
    throw new Error(
      `text-classification: option topK must be an integer >= 1 or 'all', got ${JSON.stringify(topK)}`,
    );
  }
  const rows = encodeInputs(
    ctx.tokenizer,
    inputs.map((x, i) => textPair(x, i, 'text-classification')),
    ctx.plan,
    'text-classification',
  );
  const model = ctx.model as BiGSForSequenceClassification;
  const c = model.config.numLabels;
  return forEachBatch(
    ctx,
    rows,
    (batch) => model.forward(batch).logits, // [B, C]
    (data, part) =>
      part.map((row, b) => ({
        ...resultBase(row),
        ...scoreLogits(model.config, data.subarray(b * c, (b + 1) * c), topK),
      })),
  );
}

/** Build the text-classification pipeline of a loaded context (use {@link pipeline}). */
export function createTextClassification(
  ctx: PipelineContext<'text-classification'>,
): TextClassificationPipeline {
  return makeCallable<
    'text-classification',
    TextClassificationCallOptions,
    TextClassificationResult,
    TextClassificationPipeline
  >(ctx, (inputs, o) => runClassification(ctx, inputs, o));
}
