import {
  type CommandSpec,
  type FlagSpec,
  parseCommand,
  helpText as renderHelp,
  UsageError,
} from '@bigs/cli-kit';
import { SEMANTICS_NAMES, type Semantics } from '@bigs/models';
import { BACKEND_REQUESTS, type BackendRequest } from '@bigs/ssm-kernels';
import type { PairEncoding } from './encode.js';
import { EMBEDDED_TASK_NAMES, parseTaskName, type TaskName } from './tasks.js';

/** The model `pnpm finetune` uses without `--model-name-or-path`: what the default `pnpm pretrain` run leaves. */
export const DEFAULT_MODEL_DIR = 'runs/pretrain-tiny';

/** Every option of `pnpm finetune` (camelCase of the kebab-case flags, which mirror HF `run_glue.py`). */
export interface FinetuneOptions {
  task: TaskName | 'all';
  dataDir: string | null;
  modelNameOrPath: string;
  tokenizerName: string | null;
  outputDir: string | null;
  /** null: the model's max_position_embeddings (the official runs pad to exactly P). */
  maxSeqLength: number | null;
  padToMaxLength: boolean;
  learningRate: number;
  numTrainEpochs: number;
  /** > 0 overrides numTrainEpochs (HF: -1 = unset). */
  maxSteps: number;
  perDeviceTrainBatchSize: number;
  perDeviceEvalBatchSize: number;
  warmupRatio: number;
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  evalSteps: number;
  loggingSteps: number;
  seed: number;
  backend: BackendRequest;
  pairEncoding: PairEncoding;
  freezeSsm: boolean;
  ignoreMismatchedSizes: boolean;
  /** Train in this semantics (null: the checkpoint's own). */
  semantics: Semantics | null;
  /** Decode invalid UTF-8 in data files as U+FFFD instead of failing with file:line. */
  allowInvalidUtf8: boolean;
  mnliCheckpoint: string | null;
  trainFile: string | null;
  validationFile: string | null;
  testFile: string | null;
  splitInputPair: boolean;
  maxTrainSamples: number | null;
  maxEvalSamples: number | null;
  doPredict: boolean;
  saveModel: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'none';
}

/**
 * Defaults of the embedded demo task (`pnpm finetune` with no flags), replacing the GLUE recipe's where the flag
 * is not given: the tiny pretrained model needs a larger learning rate than 2e-5, and one epoch keeps the run
 * to a few minutes on 2 cores (measured in the README).
 */
export const EMBEDDED_DEFAULTS: Readonly<Partial<FinetuneOptions>> = Object.freeze({
  numTrainEpochs: 1,
  learningRate: 5e-4,
  evalSteps: 125,
});

type Kind = 'string' | 'number' | 'int' | 'bool' | 'choice';

interface FinetuneFlag {
  key: keyof FinetuneOptions;
  kind: Kind;
  choices?: readonly string[];
  /** Value placeholder in the help. */
  meta?: string;
  help: string;
  /** Its default is null (unset); `null` in a --config file leaves it unset. */
  nullable?: boolean;
  /** The flag's name when it is not the kebab-case of `key`. */
  flag?: string;
  /** Old names still accepted with a deprecation note. */
  deprecatedAliases?: readonly string[];
  min?: number;
  /** exclusive lower bound */
  gt?: number;
  max?: number;
}

/** The defaults: the official run_glue.py recipe: lr 2e-5, 3 epochs, batch 16, warmup 10 %, AdamW 0.9/0.999/1e-6, wd 0.01. */
export const DEFAULTS: FinetuneOptions = {
  task: 'embedded',
  dataDir: null,
  modelNameOrPath: DEFAULT_MODEL_DIR,
  tokenizerName: null,
  outputDir: null,
  maxSeqLength: null,
  padToMaxLength: true,
  learningRate: 2e-5,
  numTrainEpochs: 3,
  maxSteps: -1,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 64,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-6,
  evalSteps: 500,
  loggingSteps: 100,
  seed: 42,
  backend: 'auto',
  pairEncoding: 'standard',
  freezeSsm: false,
  ignoreMismatchedSizes: false,
  semantics: null,
  allowInvalidUtf8: false,
  mnliCheckpoint: null,
  trainFile: null,
  validationFile: null,
  testFile: null,
  splitInputPair: false,
  maxTrainSamples: null,
  maxEvalSamples: null,
  doPredict: true,
  saveModel: true,
  progress: 'auto',
};

const FLAGS: FinetuneFlag[] = [
  {
    key: 'task',
    kind: 'string',
    meta: 'NAME',
    help: 'cola | sst2 | mrpc | qqp | stsb | mnli | qnli | rte | wnli | all (the GLUE suite, MNLI first) | embedded (SpamAssassin spam vs ham, shipped with @bigs/data; alias spam) | wordnet (the WordNet sense-pair task shipped with @bigs/data) | scrolls (long documents, with --train-file/--validation-file). Default embedded.',
  },
  {
    key: 'dataDir',
    kind: 'string',
    meta: 'DIR',
    help: "GLUE data: the GLUE download (CoLA/train.tsv, MNLI/dev_matched.tsv, diagnostic/diagnostic.tsv, …) or HF parquet (cola/train-*.parquet, …); the task's own folder also works. For --task all: the parent folder holding the task folders. For --task embedded / wordnet: a folder with train.tsv/dev.tsv in the embedded format (header sentence1[\tsentence2]\tlabel; default: the embedded files).",
    nullable: true,
  },
  {
    key: 'modelNameOrPath',
    kind: 'string',
    meta: 'DIR',
    help: `Model directory: a pnpm pretrain output or checkpoint (config.json + model.safetensors), an earlier finetune output, or an imported official checkpoint (config.json + flax_model.msgpack or model.safetensors). Default ${DEFAULT_MODEL_DIR}.`,
  },
  {
    key: 'tokenizerName',
    flag: 'tokenizer',
    deprecatedAliases: ['tokenizer-name', 'vocab'],
    kind: 'string',
    meta: 'PATH',
    help: "tokenizer.json, vocab.txt or a folder holding one (default: the model directory; the official checkpoints use bert-base-uncased's vocab.txt).",
    nullable: true,
  },
  {
    key: 'outputDir',
    kind: 'string',
    meta: 'DIR',
    help: 'Where the finetuned model, eval_results.json, metrics.jsonl and submission files go. Default runs/finetune-<task>.',
    nullable: true,
  },
  {
    key: 'maxSeqLength',
    kind: 'int',
    meta: 'N',
    min: 2,
    help: "Truncate (and with --pad-to-max-length pad) inputs to N tokens. Default: the model's max_position_embeddings, as the official runs (Flax checkpoints require exactly that).",
    nullable: true,
  },
  {
    key: 'padToMaxLength',
    kind: 'bool',
    help: 'Pad every input to --max-seq-length (official; BiGS outputs depend on padding). --no-pad-to-max-length: pad each batch to its longest input. Default true.',
  },
  { key: 'learningRate', kind: 'number', meta: 'LR', min: 0, help: 'Peak learning rate. Default 2e-5.' },
  { key: 'numTrainEpochs', kind: 'number', meta: 'E', gt: 0, help: 'Epochs (fractions allowed). Default 3.' },
  {
    key: 'maxSteps',
    kind: 'int',
    meta: 'N',
    help: 'Stop after N optimizer steps; > 0 overrides --num-train-epochs. Default -1 (unset).',
  },
  {
    key: 'perDeviceTrainBatchSize',
    kind: 'int',
    meta: 'B',
    min: 1,
    help: 'Training batch size (one device: the global batch). Default 16 (the official global batch).',
  },
  {
    key: 'perDeviceEvalBatchSize',
    kind: 'int',
    meta: 'B',
    min: 1,
    help: 'Evaluation / prediction batch size. Default 64.',
  },
  {
    key: 'warmupRatio',
    kind: 'number',
    meta: 'R',
    min: 0,
    max: 1,
    help: 'Linear warmup over this fraction of the steps, then linear decay to 0. Default 0.1.',
  },
  {
    key: 'weightDecay',
    kind: 'number',
    meta: 'WD',
    min: 0,
    help: 'Decoupled AdamW weight decay (not on biases / LayerNorm; SSM parameters are decayed, as official). Default 0.01.',
  },
  { key: 'adamBeta1', kind: 'number', meta: 'B1', min: 0, max: 0.999999, help: 'Default 0.9.' },
  { key: 'adamBeta2', kind: 'number', meta: 'B2', min: 0, max: 0.999999999, help: 'Default 0.999.' },
  {
    key: 'adamEpsilon',
    kind: 'number',
    meta: 'EPS',
    min: 0,
    help: "Default 1e-6 (the official freeze scripts used optax's 1e-8).",
  },
  {
    key: 'evalSteps',
    kind: 'int',
    meta: 'N',
    min: 0,
    help: 'Evaluate every N steps (0: only at epoch ends); also at every epoch end and at the last step. Default 500.',
  },
  {
    key: 'loggingSteps',
    kind: 'int',
    meta: 'N',
    min: 1,
    help: 'Training-loss line every N steps (metrics.jsonl). Default 100.',
  },
  {
    key: 'seed',
    kind: 'int',
    meta: 'S',
    help: 'Seed of the head init, the shuffling and dropout. Default 42.',
  },
  {
    key: 'backend',
    kind: 'choice',
    choices: BACKEND_REQUESTS,
    help: 'Tensor engine: auto (tfjs-node-gpu, webgpu on a hardware GPU, tfjs-node when installed, then native when its addon built, else wasm) | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu. Default auto.',
  },
  {
    key: 'pairEncoding',
    kind: 'choice',
    choices: ['standard', 'single-segment'],
    help: 'standard: [CLS] A [SEP] B [SEP], token types 0/1 (official). single-segment: A + " [CLS], " + B, token types 0 (freeze scripts). Default standard.',
  },
  {
    key: 'freezeSsm',
    kind: 'bool',
    help: 'Freeze-kernel variant: A_re, A_im, C, D and log_step get zero updates. Default false.',
  },
  {
    key: 'ignoreMismatchedSizes',
    kind: 'bool',
    help: 'Re-initialise the classifier when its checkpoint shape differs (another label count). Only task-head tensors are re-initialised: any other mis-shaped tensor (e.g. word embeddings) stays an error naming it. Always on for the MNLI-initialised tasks of --task all. Default false.',
  },
  {
    key: 'semantics',
    kind: 'choice',
    choices: SEMANTICS_NAMES,
    nullable: true,
    help: "Whose arithmetic the classifier trains in: pytorch (the authors' port: erf GELU in the blocks), flax (the official JAX code: kernel of length max_position_embeddings, tanh GELU) or bigs-ts; pick the target of a later `bigs export` so it needs no semantics change. Default: the checkpoint's own.",
  },
  {
    key: 'allowInvalidUtf8',
    kind: 'bool',
    help: 'Data files (GLUE TSV, embedded TSV, scrolls JSON lines) are read as strict UTF-8: a byte sequence that is not UTF-8 stops the run with file:line. With this flag such bytes are decoded as U+FFFD (the replacement character) instead; a NUL byte (a binary file) stays an error. Default false.',
  },
  {
    key: 'mnliCheckpoint',
    kind: 'string',
    meta: 'DIR',
    nullable: true,
    help: '--task all: start MRPC, STS-B and RTE from this MNLI-finetuned model instead of finetuning MNLI first (MNLI is then skipped).',
  },
  {
    key: 'trainFile',
    kind: 'string',
    meta: 'FILE',
    nullable: true,
    help: '--task scrolls: training JSON lines ({"id", "input", "output"}); the label set is the distinct outputs, sorted.',
  },
  {
    key: 'validationFile',
    kind: 'string',
    meta: 'FILE',
    nullable: true,
    help: '--task scrolls: validation JSON lines.',
  },
  {
    key: 'testFile',
    kind: 'string',
    meta: 'FILE',
    nullable: true,
    help: '--task scrolls: test JSON lines; predictions go to scrolls_predictions.json ({id: label}).',
  },
  {
    key: 'splitInputPair',
    kind: 'bool',
    help: '--task scrolls: split "input" at its first blank line into a pair (official contract_nli handling). Default false.',
  },
  {
    key: 'maxTrainSamples',
    kind: 'int',
    meta: 'N',
    min: 1,
    nullable: true,
    help: 'Use only the first N training examples (HF flag; for quick runs).',
  },
  {
    key: 'maxEvalSamples',
    kind: 'int',
    meta: 'N',
    min: 1,
    nullable: true,
    help: 'Use only the first N examples of each evaluation split.',
  },
  {
    key: 'doPredict',
    kind: 'bool',
    help: 'Write GLUE submission files when the data holds test splits. Default true.',
  },
  {
    key: 'saveModel',
    kind: 'bool',
    help: 'Save the finetuned model (config.json, model.safetensors, tokenizer) of the best evaluation (best-of-run combined_score, the score the run reports) in --output-dir. Default true.',
  },
  {
    key: 'progress',
    kind: 'choice',
    choices: ['auto', 'bar', 'lines', 'none'],
    help: 'Progress display on stderr. Default auto.',
  },
];

const toKebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const KIND_TYPE = {
  string: 'string',
  choice: 'string',
  number: 'number',
  int: 'integer',
  bool: 'boolean',
} as const;

/** A finetune flag as a @bigs/cli-kit flag spec. */
function toSpec(f: FinetuneFlag): FlagSpec {
  return {
    name: f.flag ?? toKebab(f.key),
    type: KIND_TYPE[f.kind],
    description: f.help,
    ...(f.choices ? { choices: f.choices } : {}),
    ...(f.meta ? { placeholder: f.meta } : {}),
    ...(f.gt !== undefined ? { min: f.gt, minExclusive: true } : f.min !== undefined ? { min: f.min } : {}),
    ...(f.max !== undefined ? { max: f.max } : {}),
    ...(f.deprecatedAliases ? { deprecatedAliases: f.deprecatedAliases } : {}),
  };
}

/** Option key of each flag name. */
const KEY_OF = new Map(FLAGS.map((f) => [toSpec(f).name, f.key]));

/** `pnpm finetune` as data: its `--help`, its parser and its section of the docs' command-line page. */
export const FINETUNE_COMMAND: CommandSpec = {
  usage: 'pnpm finetune',
  summary:
    'Finetune a BiGS model on GLUE, an embedded task or a SCROLLS-style long-document task with the official run_glue.py recipe.',
  description:
    'With no flags: the default pretrained model (runs/pretrain-tiny, made by `pnpm pretrain`) on the embedded task. Flags mirror HF run_glue.py (snake_case spellings are accepted too). Defaults below are the official GLUE recipe; the embedded tasks instead default to --num-train-epochs 1 --learning-rate 5e-4 --eval-steps 125 (a few minutes on 2 cores for the tiny pretrained model).',
  flags: FLAGS.map(toSpec),
  details: [
    'Outputs in --output-dir: the model of the best evaluation (config.json, model.safetensors, tokenizer),',
    'eval_results.json (best-of-run and final dev metrics, HF names), eval_log.jsonl, metrics.jsonl (training',
    'loss), loss_curve.svg, submission/<GLUE file>.tsv when test data exist (predicted by the saved model);',
    '--task all: one folder per task plus glue_results.md and glue_results.json.',
  ].join('\n'),
};

/** The complete `--help` text. */
export function helpText(): string {
  return renderHelp(FINETUNE_COMMAND);
}

/** Parse result: options, or a request for help. `notes` are deprecation lines to print. */
export type ParsedArgs =
  | { help: true }
  | { help: false; options: FinetuneOptions; given: Set<keyof FinetuneOptions>; notes: string[] };

/**
 * Parse the command line with the one grammar of @bigs/cli-kit (`--flag value`, `--flag=value`; booleans as
 * `--flag`, `--flag=false`, `--no-flag`) over the defaults and an optional `--config FILE`. Errors are
 * {@link UsageError}s naming the flag, or the file and field.
 *
 * @example
 * parseArgs(['--task', 'rte', '--data-dir', 'glue', '--learning-rate', '1e-5']).options.learningRate; // 1e-5
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const p = parseCommand(FINETUNE_COMMAND, argv);
  if (p.help) return { help: true };
  const options: FinetuneOptions = { ...DEFAULTS };
  const given = new Set<keyof FinetuneOptions>();
  const set = options as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(p.values)) {
    const key = KEY_OF.get(name)!;
    set[key] = key === 'task' ? taskOf(value as string) : value;
    given.add(key);
  }
  if (EMBEDDED_TASK_NAMES.includes(options.task as TaskName)) {
    for (const [k, v] of Object.entries(EMBEDDED_DEFAULTS) as Array<[keyof FinetuneOptions, never]>) {
      if (!given.has(k)) set[k] = v;
    }
  }
  checkCombination(options);
  return { help: false, options, given, notes: p.notes };
}

function taskOf(value: string): TaskName | 'all' {
  try {
    return parseTaskName(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function checkCombination(o: FinetuneOptions): void {
  if (o.maxSteps === 0 || o.maxSteps < -1)
    throw new UsageError(`--max-steps must be > 0 or -1 (unset), got ${o.maxSteps}`);
  if (o.task === 'scrolls') {
    if (!o.trainFile)
      throw new UsageError('--task scrolls needs --train-file FILE (JSON lines with "input" and "output")');
    if (!o.validationFile) throw new UsageError('--task scrolls needs --validation-file FILE');
  } else {
    for (const k of ['trainFile', 'validationFile', 'testFile'] as const) {
      if (o[k] !== null) throw new UsageError(`--${toKebab(k)} is only used with --task scrolls`);
    }
  }
  if (o.task !== 'all' && o.mnliCheckpoint !== null) {
    throw new UsageError(
      '--mnli-checkpoint is only used with --task all (for one task, pass the MNLI model as --model-name-or-path)',
    );
  }
  if (!EMBEDDED_TASK_NAMES.includes(o.task as TaskName) && o.task !== 'scrolls' && o.dataDir === null) {
    throw new UsageError(`--data-dir is required for --task ${o.task} (the GLUE data folder)`);
  }
}
