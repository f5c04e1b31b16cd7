import type { BertTokenizer } from '@bigs/data';
import type { AnyBiGSModel, BiGSConfig } from '@bigs/models';

/** The tasks {@link pipeline} builds. */
export type PipelineTask =
  | 'fill-mask'
  | 'text-classification'
  | 'token-classification'
  | 'feature-extraction';

/** Every task name, in help order. */
export const PIPELINE_TASKS: readonly PipelineTask[] = [
  'fill-mask',
  'text-classification',
  'token-classification',
  'feature-extraction',
];

/** One text, or a pair of texts (`[CLS] text [SEP] pair [SEP]`, token types 0 then 1). */
export interface TextPair {
  text: string;
  pair?: string | null;
}

/** What a pipeline call takes per input: a string, or `{ text, pair }`. */
export type TextInput = string | TextPair;

/**
 * What happens to an input longer than the max length (tokens, `[CLS]`/`[SEP]` included): `truncate` cuts it
 * (longest sequence of a pair first, as HF `longest_first`) and marks the result `truncated: true`; `error` throws.
 */
export type Truncation = 'truncate' | 'error';

/**
 * Padding of a batch: `max_length` pads every input to the max length (default: max_position_embeddings), as the
 * official runs and `pnpm finetune` train, so a result does not depend on the batch it was computed in;
 * `longest` pads to the longest input of the batch (faster on short texts; BiGS outputs then depend on the other
 * inputs of the batch, because the SSM mixes padding positions too). Flax-semantics models accept only
 * `max_length` (their inputs must be exactly P long).
 */
export type Padding = 'max_length' | 'longest';

/** Options of {@link pipeline}. */
export interface PipelineOptions {
  /**
   * The tokenizer: a loaded one, or a path (dir, `tokenizer.json`, `vocab.txt`). Default: the model dir's own
   * `tokenizer.json` / `vocab.txt` (an Error naming the dir when it has none).
   */
  tokenizer?: string | BertTokenizer;
  /** Inputs per forward pass (default 8). */
  batchSize?: number;
  /** Default `truncate`. */
  truncation?: Truncation;
  /** Token budget per input, `[CLS]`/`[SEP]` included (default and most: max_position_embeddings). */
  maxLength?: number;
  /** Default `max_length`. */
  padding?: Padding;
  /** Config overrides applied when loading from a directory (camelCase), e.g. `{ kernelLength: 'input' }`. */
  overrides?: Partial<BiGSConfig>;
  /** Receives the loader's notes (ignored head tensors, …); default: dropped. */
  logger?: (message: string) => void;
}

/** An already loaded model and its tokenizer. */
export interface LoadedPipelineModel {
  model: AnyBiGSModel;
  /** Default: `options.tokenizer`. */
  tokenizer?: BertTokenizer;
}

/**
 * A model's checkpoint files held in memory — `config.json`, `model.safetensors` (or `flax_model.msgpack`) and
 * `tokenizer.json` (or `vocab.txt`) — e.g. from {@link fetchModelFiles} in a browser.
 */
export interface ModelFiles {
  files: Readonly<Record<string, Uint8Array | ArrayBuffer | string>>;
  /** Where they came from (a URL or a name), for messages. */
  source: string;
}

/**
 * Where a pipeline's model comes from: a model directory (Node only), its files in memory (Node and browsers),
 * or a loaded model.
 */
export type ModelSource = string | ModelFiles | LoadedPipelineModel | AnyBiGSModel;

/** What every pipeline has besides being callable. */
export interface PipelineBase<T extends PipelineTask> {
  readonly task: T;
  readonly model: AnyBiGSModel;
  readonly tokenizer: BertTokenizer;
  /** Token budget per input (`[CLS]`/`[SEP]` included). */
  readonly maxLength: number;
  /** Length every input is padded to with `max_length` padding (= maxLength, or P under Flax semantics). */
  readonly paddedLength: number;
  readonly padding: Padding;
  readonly truncation: Truncation;
  readonly batchSize: number;
  /** Frees the model's weights when the pipeline loaded them (a model you passed in stays yours). */
  dispose(): void;
}

/** Per-input facts every result carries. */
export interface ResultBase {
  /** The input text (first sequence). */
  text: string;
  /** The second sequence of a pair, else null. */
  pair: string | null;
  /** Tokens fed to the model, `[CLS]`/`[SEP]` included, padding excluded. */
  numTokens: number;
  /** The input was longer than the max length and was cut. */
  truncated: boolean;
  /** Tokens before truncation (= numTokens when not truncated). */
  originalNumTokens: number;
}
