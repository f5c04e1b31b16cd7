import {
  allFlags,
  type CommandSpec,
  type FlagSpec,
  type FlagValues,
  parseCommand,
  parseArgv as parseWords,
  readConfigFile as readConfig,
  helpText as renderHelp,
} from '@bigs/cli-kit';
import { SEMANTICS_NAMES } from '@bigs/models';
import { BACKEND_REQUESTS } from '@bigs/ssm-kernels';

export { type FlagValues, UsageError } from '@bigs/cli-kit';

export const SCHEDULERS = ['linear', 'cosine', 'constant'] as const;

/** Every flag of `pnpm pretrain`, in help order. */
export const FLAGS: readonly FlagSpec[] = [
  // --- run / files
  {
    name: 'output-dir',
    type: 'string',
    placeholder: 'DIR',
    defaultText: 'runs/pretrain-<preset>',
    description:
      'where the final model, checkpoint-<step>/ dirs, metrics.jsonl, loss_curve.svg and the tokenized data go',
  },
  {
    name: 'overwrite-output-dir',
    type: 'boolean',
    description:
      'delete the output dir first; without it an existing run there is resumed from its latest checkpoint (as HF run_mlm.py)',
  },
  {
    name: 'resume-from-checkpoint',
    type: 'string',
    placeholder: 'DIR|latest',
    description: 'continue exactly from a checkpoint-<step> dir, or the latest one in --output-dir',
  },
  // --- model
  {
    name: 'model-config',
    type: 'string',
    placeholder: 'PRESET|FILE',
    defaultText: 'tiny',
    description:
      'preset name (tiny, bigs-128, bigs-512, bigs-4096, bigs-base, bert-base) or a config.json path (snake_case BiGSConfig: it must give hidden_size, num_hidden_layers, intermediate_size, type_vocab_size and num_ssm (num_attention_heads for attention); vocab_size and max_position_embeddings default to the tokenizer size and --max-seq-length)',
  },
  {
    name: 'model-name-or-path',
    type: 'string',
    placeholder: 'DIR',
    description:
      'start from a saved model dir (config.json + model.safetensors or flax_model.msgpack); position embeddings are extended by tiling when --max-seq-length is longer',
  },
  {
    name: 'semantics',
    type: 'string',
    choices: SEMANTICS_NAMES,
    defaultText: "bigs-ts (a loaded model's own)",
    description:
      "whose arithmetic the model trains in: pytorch (the authors' port: erf GELU in the blocks), flax (the official JAX trainer: kernel of length max_position_embeddings, tanh GELU) or bigs-ts; pick the target of a later `bigs export` so it needs no semantics change",
  },
  {
    name: 'tokenizer',
    type: 'string',
    deprecatedAliases: ['vocab', 'tokenizer-name'],
    placeholder: 'DIR|FILE',
    defaultText: 'the embedded 8k uncased WordPiece of @bigs/data',
    description: 'tokenizer.json / vocab.txt or a directory holding one',
  },
  // --- data
  {
    name: 'train-files',
    type: 'strings',
    placeholder: 'PATH',
    defaultText: 'the embedded corpus of @bigs/data',
    description:
      'corpus files/dirs (Wikipedia XML / .bz2, WikiExtractor, parquet, plain text), a prebuilt shard dir (bigs data build-shards), or academic-budget-bert .hdf5 shards',
  },
  {
    name: 'corpus',
    type: 'strings',
    placeholder: 'NAME',
    defaultText: 'moby-dick sotu',
    description:
      'embedded texts of @bigs/data to pretrain on instead of --train-files: moby-dick, sotu, brown (the Brown Corpus sample); licenses in corpus/LICENSE',
  },
  {
    name: 'validation-files',
    type: 'strings',
    placeholder: 'PATH',
    description: 'held-out data in the same formats (default: split off --validation-split-percentage)',
  },
  {
    name: 'allow-invalid-utf8',
    type: 'boolean',
    description:
      'text inputs are read as strict UTF-8 (a byte sequence that is not UTF-8, or a NUL byte of a binary file, stops the run naming file:line); with this flag invalid bytes are decoded as U+FFFD (the replacement character) instead',
  },
  {
    name: 'validation-split-percentage',
    type: 'number',
    min: 0,
    max: 50,
    maxExclusive: true,
    defaultText: '5',
    description: 'percent of the training sequences held out for evaluation when no --validation-files',
  },
  {
    name: 'max-seq-length',
    type: 'integer',
    min: 8,
    defaultText: 'the preset’s',
    description: 'sequence length L (sequences are packed up to L and padded to exactly L)',
  },
  {
    name: 'mlm-probability',
    type: 'number',
    min: 0,
    minExclusive: true,
    max: 1,
    maxExclusive: true,
    defaultText: '0.15',
    description: 'fraction of tokens to predict (80% [MASK], 10% random, 10% kept)',
  },
  { name: 'whole-word-mask', type: 'boolean', description: 'mask all WordPiece pieces of a word together' },
  {
    name: 'max-eval-samples',
    type: 'integer',
    min: 1,
    description: 'evaluate on at most this many held-out sequences',
  },
  // --- optimisation
  {
    name: 'max-steps',
    type: 'integer',
    min: 1,
    defaultText: 'the preset’s',
    description: 'optimizer steps to train (wins over --num-train-epochs)',
  },
  {
    name: 'num-train-epochs',
    type: 'number',
    min: 0,
    minExclusive: true,
    description: 'passes over the training sequences (used when --max-steps is not given)',
  },
  {
    name: 'per-device-train-batch-size',
    type: 'integer',
    min: 1,
    defaultText: 'the preset’s',
    description: 'sequences per micro-batch',
  },
  {
    name: 'per-device-eval-batch-size',
    type: 'integer',
    min: 1,
    defaultText: 'train batch size',
    description: 'sequences per evaluation batch',
  },
  {
    name: 'gradient-accumulation-steps',
    type: 'integer',
    min: 1,
    defaultText: 'the preset’s',
    description: 'micro-batches per optimizer step',
  },
  {
    name: 'learning-rate',
    type: 'number',
    min: 0,
    minExclusive: true,
    defaultText: 'the preset’s',
    description: 'peak learning rate',
  },
  {
    name: 'weight-decay',
    type: 'number',
    min: 0,
    defaultText: 'the preset’s',
    description: 'AdamW decoupled weight decay',
  },
  {
    name: 'adam-beta1',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    defaultText: '0.9',
    description: 'AdamW β1',
  },
  {
    name: 'adam-beta2',
    type: 'number',
    min: 0,
    max: 1,
    maxExclusive: true,
    defaultText: 'the preset’s',
    description: 'AdamW β2',
  },
  {
    name: 'adam-epsilon',
    type: 'number',
    min: 0,
    minExclusive: true,
    defaultText: '1e-6',
    description: 'AdamW ε',
  },
  {
    name: 'max-grad-norm',
    type: 'number',
    min: 0,
    defaultText: '0 (off, as official BiGS)',
    description: 'clip the global gradient norm; 0 = no clipping',
  },
  {
    name: 'lr-scheduler-type',
    type: 'string',
    choices: SCHEDULERS,
    defaultText: 'the preset’s',
    description: 'decay after the linear warmup',
  },
  {
    name: 'warmup-steps',
    type: 'integer',
    min: 0,
    defaultText: 'the preset’s',
    description: 'linear warmup from 0 to the peak learning rate',
  },
  {
    name: 'warmup-ratio',
    type: 'number',
    min: 0,
    max: 1,
    description: 'warmup as a fraction of the steps (used when --warmup-steps is not given)',
  },
  {
    name: 'cosine-alpha',
    type: 'number',
    min: 0,
    max: 1,
    defaultText: '0.1',
    description: 'cosine floor as a fraction of the peak (official cosine_schedule_alpha)',
  },
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    defaultText: '42',
    description: 'init, data order, masking and dropout seed',
  },
  // --- logging / saving
  {
    name: 'logging-steps',
    type: 'integer',
    min: 1,
    defaultText: 'the preset’s',
    description: 'write a metrics.jsonl line (mean loss, lr, grad norm, tokens/s, MFU) every N steps',
  },
  {
    name: 'eval-steps',
    type: 'integer',
    min: 0,
    defaultText: 'the preset’s',
    description: 'evaluate MLM loss/accuracy/perplexity every N steps (0: only at the end)',
  },
  {
    name: 'save-steps',
    type: 'integer',
    min: 0,
    defaultText: 'the preset’s',
    description: 'save checkpoint-<step> every N steps (0: only at the end and on SIGINT/SIGTERM)',
  },
  {
    name: 'save-total-limit',
    type: 'integer',
    min: 0,
    defaultText: 'the preset’s',
    description: 'keep only the newest K checkpoints (0: keep all)',
  },
  // --- engine
  {
    name: 'backend',
    type: 'string',
    choices: BACKEND_REQUESTS,
    defaultText: 'auto',
    description:
      'tensor engine: auto = tfjs-node-gpu, then webgpu on a hardware GPU, then tfjs-node when installed, then native (the C++ addon, BLAS) when it built, else wasm (threaded when possible), else cpu',
  },
  {
    name: 'threads',
    type: 'integer',
    min: 1,
    description:
      'engine threads: wasm XNNPACK threads, or the native pool and BLAS threads (default: all cores)',
  },
  {
    name: 'peak-flops',
    type: 'number',
    min: 0,
    minExclusive: true,
    description: 'peak FLOP/s used for MFU (default: the stated/measured peak of the backend, see README)',
  },
];

/** `pnpm pretrain` as data: its `--help`, its parser and its section of the docs' command-line page. */
export const PRETRAIN_COMMAND: CommandSpec = {
  usage: 'pnpm pretrain',
  summary:
    'Masked-LM pretraining of BiGS (or the BERT baseline). With no flags: the tiny preset on the embedded corpus, a few minutes on a 2-core CPU, into runs/pretrain-tiny. Flags follow HF run_mlm.py.',
  flags: FLAGS,
  details: [
    'Presets: tiny (default), bigs-128, bigs-512, bigs-4096 (continuations: pass --model-name-or-path of a',
    'shorter checkpoint), bigs-base (H=768, 12 layers), bert-base (STACK + attention baseline). See',
    'apps/pretrain/README.md for their settings, the outputs, resume and the MFU formula.',
    '',
    'SIGINT/SIGTERM: the current step finishes, a checkpoint is saved, exit code 130/143; run the same',
    'command again (or add --resume-from-checkpoint latest) to continue exactly.',
  ].join('\n'),
};

/**
 * Parse command-line words into flag values (the one grammar of @bigs/cli-kit; `--config` not read here).
 *
 * @example
 * parseArgv(['--max-steps', '10', '--train-files', 'a.txt', 'b.txt']); // { 'max-steps': 10, 'train-files': ['a.txt', 'b.txt'] }
 */
export function parseArgv(argv: readonly string[]): FlagValues {
  return parseWords(allFlags(PRETRAIN_COMMAND), argv, { seeHelp: 'see pnpm pretrain --help' }).values;
}

/**
 * Read a `--config` JSON file of pretrain flags (kebab-case or snake_case keys), validated with zod; unknown
 * fields and bad values throw naming the file and the field.
 *
 * @example
 * readConfigFile('train.json'); // { 'max-steps': 100, 'learning-rate': 0.001 }
 */
export function readConfigFile(path: string): FlagValues {
  return readConfig(path, allFlags(PRETRAIN_COMMAND)).values;
}

/** The flags of a run, or a request for help; `notes` are deprecation lines to print. */
export type ResolvedFlags = { help: true } | { help: false; flags: FlagValues; notes: string[] };

/**
 * The effective flags: the `--config` file (if any) overlaid by the command line. Only given flags appear
 * (presets fill the rest in {@link resolveRun}).
 *
 * @example
 * resolveFlags(['--config', 'a.json', '--seed', '1']); // file values, seed 1
 */
export function resolveFlags(argv: readonly string[]): ResolvedFlags {
  const p = parseCommand(PRETRAIN_COMMAND, argv);
  return p.help ? p : { help: false, flags: p.values, notes: p.notes };
}

/** The complete `--help` text. */
export function helpText(): string {
  return renderHelp(PRETRAIN_COMMAND);
}
