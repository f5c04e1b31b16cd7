import { readFileSync } from 'node:fs';
import { SEMANTICS_NAMES } from '@bigs/models';
import { BACKEND_REQUESTS } from '@bigs/ssm-kernels';

/** Value kinds a flag can take. `strings` takes every following word up to the next `--flag`. */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'strings';

/** One `--kebab-case` flag (names mirror HF `run_mlm.py` / `TrainingArguments`). */
export interface FlagSpec {
  name: string;
  type: FlagType;
  description: string;
  choices?: readonly string[];
  placeholder?: string;
  /** Shown in `--help`; the effective default may come from the preset. */
  defaultText?: string;
  /** Lower bound (inclusive) for numbers; `minExclusive` makes it exclusive. */
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
}

/** A user error: printed as one line, exit code 1. */
export class UsageError extends Error {}

export const SCHEDULERS = ['linear', 'cosine', 'constant'] as const;

/** Every flag of `pnpm pretrain`, in help order. */
export const FLAGS: readonly FlagSpec[] = [
  // --- run / files
  {
    name: 'config',
    type: 'string',
    placeholder: 'FILE',
    description:
      'JSON file of these flags ({"max_steps": 100, "learning-rate": 1e-3, ...}; snake_case or kebab-case keys); command-line flags override it',
  },
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
      'tensor engine: auto = tfjs-node-gpu, then tfjs-node when installed, then native (the C++ addon, BLAS) when it built, else wasm (threaded when possible), else cpu',
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
  { name: 'help', type: 'boolean', description: 'show this help' },
];

/** Parsed values by kebab-case flag name. */
export type FlagValues = Record<string, string | number | boolean | string[]>;

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

function checkValue(spec: FlagSpec, raw: unknown, where: string): string | number | boolean | string[] {
  const flag = `--${spec.name}`;
  const bad = (expected: string) =>
    new UsageError(`${where}${flag} must be ${expected}, got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw bad('true or false');
    case 'strings': {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0 || !list.every((x) => typeof x === 'string' && x.length > 0)) {
        throw bad('one or more paths');
      }
      return list as string[];
    }
    case 'string':
      if (typeof raw !== 'string' || raw.length === 0) throw bad('a non-empty string');
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join('|')}`);
      return raw;
    default: {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      const kind = spec.type === 'integer' ? 'an integer' : 'a number';
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) throw bad(kind);
      const lo = spec.min;
      const hi = spec.max;
      const range = `${kind} ${lo !== undefined ? `${spec.minExclusive ? '>' : '>='} ${lo}` : ''}${
        lo !== undefined && hi !== undefined ? ' and ' : ''
      }${hi !== undefined ? `${spec.maxExclusive ? '<' : '<='} ${hi}` : ''}`;
      if (lo !== undefined && (spec.minExclusive ? !(n > lo) : !(n >= lo))) throw bad(range);
      if (hi !== undefined && (spec.maxExclusive ? !(n < hi) : !(n <= hi))) throw bad(range);
      return n;
    }
  }
}

/**
 * Parse `argv` (after the script name). Accepts `--flag value`, `--flag=value`, booleans without a value, and
 * `strings` flags followed by several words. Unknown flags, missing values and bad values throw a
 * {@link UsageError} naming the flag.
 *
 * @example
 * parseArgv(['--max-steps', '10', '--train-files', 'a.txt', 'b.txt']); // { 'max-steps': 10, 'train-files': ['a.txt', 'b.txt'] }
 */
export function parseArgv(argv: readonly string[]): FlagValues {
  const out: FlagValues = {};
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      continue; // `pnpm pretrain -- --flag` passes a bare `--` through
    }
    if (arg === '-h') {
      out.help = true;
      i++;
      continue;
    }
    if (!arg.startsWith('--'))
      throw new UsageError(`unexpected argument "${arg}" (flags start with --; see --help)`);
    let name = arg.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec = BY_NAME.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
    i++;
    if (spec.type === 'boolean') {
      out[name] = checkValue(spec, inline ?? true, '');
      continue;
    }
    if (spec.type === 'strings') {
      const vals: string[] = inline !== undefined ? [inline] : [];
      while (i < argv.length && !(argv[i] as string).startsWith('--')) vals.push(argv[i++] as string);
      if (vals.length === 0) throw new UsageError(`--${name} needs at least one value (${spec.placeholder})`);
      out[name] = [...((out[name] as string[] | undefined) ?? []), ...vals];
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i];
      // A negative number is a value, any other `--x` is the next flag.
      if (next === undefined || (next.startsWith('--') && !/^-\d/.test(next.slice(1)))) {
        throw new UsageError(`--${name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`);
      }
      value = next;
      i++;
    }
    out[name] = checkValue(spec, value, '');
  }
  return out;
}

/**
 * Read a `--config` JSON file: an object whose keys are flag names in kebab-case or snake_case (HF
 * `TrainingArguments` JSON style). Unknown keys and bad values throw naming the file and the key.
 *
 * @example
 * readConfigFile('train.json'); // { 'max-steps': 100, 'learning-rate': 0.001 }
 */
export function readConfigFile(path: string): FlagValues {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`--config ${path}: must be a JSON object of flags`);
  }
  const out: FlagValues = {};
  for (const [key, raw] of Object.entries(json as Record<string, unknown>)) {
    const name = key.replace(/_/g, '-');
    const spec = BY_NAME.get(name);
    if (!spec || name === 'config' || name === 'help') {
      throw new UsageError(`--config ${path}: unknown key "${key}" (keys are the flag names, see --help)`);
    }
    out[name] = checkValue(spec, raw, `--config ${path}: `);
  }
  return out;
}

/**
 * The effective flags: the `--config` file (if any) overlaid by the command line.
 *
 * @example
 * resolveFlags(['--config', 'a.json', '--seed', '1']); // file values, seed 1
 */
export function resolveFlags(argv: readonly string[]): FlagValues {
  const cli = parseArgv(argv);
  if (cli.help) return cli;
  const file = typeof cli.config === 'string' ? readConfigFile(cli.config) : {};
  return { ...file, ...cli };
}

/** The complete `--help` text. */
export function helpText(): string {
  const usage = (f: FlagSpec) => {
    const ph = f.placeholder ?? (f.choices ? f.choices.join('|') : f.type === 'integer' ? 'N' : 'X');
    if (f.type === 'boolean') return `--${f.name}`;
    if (f.type === 'strings') return `--${f.name} ${ph}...`;
    return `--${f.name} ${ph}`;
  };
  const rows = FLAGS.map((f) => [
    usage(f),
    `${f.description}${f.defaultText ? ` (default: ${f.defaultText})` : ''}`,
  ]);
  const w = Math.max(...rows.map((r) => (r[0] as string).length));
  return [
    'Usage: pnpm pretrain [flags]',
    '',
    'Masked-LM pretraining of BiGS (or the BERT baseline). With no flags: the tiny preset on the embedded',
    'corpus, a few minutes on a 2-core CPU, into runs/pretrain-tiny. Flags follow HF run_mlm.py.',
    '',
    'Flags:',
    ...rows.map(([a, b]) => `  ${(a as string).padEnd(w)}  ${b}`),
    '',
    'Presets: tiny (default), bigs-128, bigs-512, bigs-4096 (continuations: pass --model-name-or-path of a',
    'shorter checkpoint), bigs-base (H=768, 12 layers), bert-base (STACK + attention baseline). See',
    'apps/pretrain/README.md for their settings, the outputs, resume and the MFU formula.',
    '',
    'SIGINT/SIGTERM: the current step finishes, a checkpoint is saved, exit code 130/143; run the same',
    'command again (or add --resume-from-checkpoint latest) to continue exactly.',
    '',
  ].join('\n');
}
