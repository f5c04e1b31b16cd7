import { existsSync, readFileSync } from 'node:fs';
import { SEMANTICS_NAMES, type Semantics } from '@bigs/models';
import { BACKEND_REQUESTS, type BackendRequest } from '@bigs/ssm-kernels';
import type { PairEncoding } from './encode.js';
import { parseTaskName, type TaskName } from './tasks.js';

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

interface FlagSpec {
  key: keyof FinetuneOptions;
  kind: Kind;
  choices?: readonly string[];
  /** Value placeholder in the help. */
  meta?: string;
  help: string;
  /** Accepts null ("none") as a value. */
  nullable?: boolean;
  min?: number;
  /** exclusive lower bound */
  gt?: number;
  max?: number;
}

/** The defaults: the official recipe (spec §8.1): lr 2e-5, 3 epochs, batch 16, warmup 10 %, AdamW 0.9/0.999/1e-6, wd 0.01. */
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

const FLAGS: FlagSpec[] = [
  {
    key: 'task',
    kind: 'string',
    meta: 'NAME',
    help: 'cola | sst2 | mrpc | qqp | stsb | mnli | qnli | rte | wnli | all (the GLUE suite, MNLI first) | embedded (the WordNet sense task shipped with @bigs/data) | scrolls (long documents, with --train-file/--validation-file). Default embedded.',
  },
  {
    key: 'dataDir',
    kind: 'string',
    meta: 'DIR',
    help: "GLUE data: the GLUE download (CoLA/train.tsv, MNLI/dev_matched.tsv, diagnostic/diagnostic.tsv, …) or HF parquet (cola/train-*.parquet, …); the task's own folder also works. For --task all: the parent folder holding the task folders. For --task embedded: a folder with train.tsv/dev.tsv in the embedded format (default: the embedded files).",
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
    help: 'Pad every input to --max-seq-length (official; BiGS outputs depend on padding, spec §12.7). false: pad each batch to its longest input. Default true.',
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
    help: 'Tensor engine: auto (tfjs-node-gpu, tfjs-node when installed, then native when its addon built, else wasm) | tensorflow-gpu | tensorflow | native | wasm | cpu. Default auto.',
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
    help: 'Save the finetuned model (config.json, model.safetensors, tokenizer) in --output-dir. Default true.',
  },
  {
    key: 'progress',
    kind: 'choice',
    choices: ['auto', 'bar', 'lines', 'none'],
    help: 'Progress display on stderr. Default auto.',
  },
];

const toKebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const BY_FLAG = new Map(FLAGS.map((f) => [toKebab(f.key), f]));

/** The complete `--help` text. */
export function helpText(): string {
  const lines = [
    'Usage: pnpm finetune [flags]            (from the repository root; flags as is, no "--")',
    '',
    'Finetune a BiGS model on GLUE, the embedded task or a SCROLLS-style long-document task with the official',
    'run_glue.py recipe (spec §8.1). With no flags: the default pretrained model (runs/pretrain-tiny, made by',
    '`pnpm pretrain`) on the embedded task. Flags mirror HF run_glue.py (snake_case spellings are accepted too).',
    'Defaults below are the official GLUE recipe; the embedded task instead defaults to --num-train-epochs 1',
    '--learning-rate 5e-4 --eval-steps 125 (a few minutes on 2 cores for the tiny pretrained model).',
    '',
    'Flags:',
  ];
  for (const f of FLAGS) {
    const name = `--${toKebab(f.key)}`;
    const arg =
      f.kind === 'bool'
        ? '[true|false]'
        : f.kind === 'choice'
          ? (f.choices ?? []).join('|')
          : (f.meta ?? 'X');
    lines.push(`  ${name} ${arg}`);
    lines.push(`      ${f.help}`);
  }
  lines.push('  --config FILE');
  lines.push(
    '      JSON object of flag values (keys as the flags, kebab- or snake_case, without "--"); flags on the',
  );
  lines.push('      command line win.');
  lines.push('  --help');
  lines.push('      This text.');
  lines.push('');
  lines.push(
    'Outputs in --output-dir: eval_results.json (best-of-run and final dev metrics, HF names), eval_log.jsonl,',
  );
  lines.push(
    'metrics.jsonl (training loss), loss_curve.svg, the model, submission/<GLUE file>.tsv when test data exist;',
  );
  lines.push('--task all: one folder per task plus glue_results.md and glue_results.json.');
  return lines.join('\n');
}

function parseValue(f: FlagSpec, raw: unknown, where: string): unknown {
  const name = `--${toKebab(f.key)}`;
  const bad = (expected: string): never => {
    throw new Error(`${where}${name} must be ${expected}, got ${JSON.stringify(raw)}`);
  };
  if (f.nullable && (raw === null || raw === 'none' || raw === 'null')) return null;
  switch (f.kind) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['true', '1', 'yes'].includes(s)) return true;
      if (['false', '0', 'no'].includes(s)) return false;
      return bad('true or false');
    }
    case 'number':
    case 'int': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(n)) return bad(f.kind === 'int' ? 'an integer' : 'a number');
      if (f.kind === 'int' && !Number.isInteger(n)) return bad('an integer');
      if (f.min !== undefined && n < f.min) return bad(`>= ${f.min}`);
      if (f.gt !== undefined && !(n > f.gt)) return bad(`> ${f.gt}`);
      if (f.max !== undefined && n > f.max) return bad(`<= ${f.max}`);
      return n;
    }
    case 'choice': {
      const s = String(raw);
      if (!f.choices?.includes(s)) return bad(`one of ${f.choices?.join(' | ')}`);
      return s;
    }
    default: {
      if (typeof raw !== 'string' || raw === '') return bad('a non-empty string');
      if (f.key === 'task') return parseTaskName(raw);
      return raw;
    }
  }
}

function lookup(name: string): FlagSpec | undefined {
  return BY_FLAG.get(name.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
}

/** Parse result: options, or a request for help. */
export type ParsedArgs =
  | { help: true }
  | { help: false; options: FinetuneOptions; given: Set<keyof FinetuneOptions> };

/**
 * Parse the command line (`--flag value`, `--flag=value`, booleans as `--flag`, `--flag false`, `--no-flag`)
 * over the defaults and an optional `--config FILE`. Errors name the flag or file.
 *
 * @example
 * parseArgs(['--task', 'rte', '--learning-rate', '1e-5']).options.learningRate; // 1e-5
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const cli: Array<[FlagSpec, unknown]> = [];
  let configFile: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { help: true };
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}' (flags start with --; see --help)`);
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'config') {
      configFile = value ?? argv[++i] ?? null;
      if (!configFile) throw new Error('--config needs a FILE');
      continue;
    }
    let negated = false;
    let f = lookup(name);
    if (!f && name.startsWith('no-')) {
      f = lookup(name.slice(3));
      negated = f?.kind === 'bool';
      if (!negated) f = undefined;
    }
    if (!f) throw new Error(`unknown flag --${name} (see --help)`);
    if (negated) {
      if (value !== undefined) throw new Error(`--${name} takes no value`);
      cli.push([f, false]);
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (f.kind === 'bool') {
        if (next !== undefined && /^(true|false|1|0|yes|no)$/i.test(next)) value = argv[++i]!;
        else value = 'true';
      } else {
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new Error(`--${toKebab(f.key)} needs a value`);
        }
        value = argv[++i]!;
      }
    }
    cli.push([f, parseValue(f, value, '')]);
  }
  const options: FinetuneOptions = { ...DEFAULTS };
  const given = new Set<keyof FinetuneOptions>();
  if (configFile !== null) {
    if (!existsSync(configFile)) throw new Error(`--config ${configFile}: no such file`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (e) {
      throw new Error(`--config ${configFile}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error(`--config ${configFile}: must be a JSON object of flag values`);
    }
    for (const [k, v] of Object.entries(json)) {
      const f = lookup(k.replace(/^--/, ''));
      if (!f)
        throw new Error(`--config ${configFile}: unknown key '${k}' (keys are the flag names, see --help)`);
      (options as unknown as Record<string, unknown>)[f.key] = parseValue(f, v, `--config ${configFile}: `);
      given.add(f.key);
    }
  }
  for (const [f, v] of cli) {
    (options as unknown as Record<string, unknown>)[f.key] = v;
    given.add(f.key);
  }
  if (options.task === 'embedded') {
    for (const [k, v] of Object.entries(EMBEDDED_DEFAULTS) as Array<[keyof FinetuneOptions, never]>) {
      if (!given.has(k)) (options as unknown as Record<string, unknown>)[k] = v;
    }
  }
  checkCombination(options);
  return { help: false, options, given };
}

function checkCombination(o: FinetuneOptions): void {
  if (o.maxSteps === 0 || o.maxSteps < -1)
    throw new Error(`--max-steps must be > 0 or -1 (unset), got ${o.maxSteps}`);
  if (o.task === 'scrolls') {
    if (!o.trainFile)
      throw new Error('--task scrolls needs --train-file FILE (JSON lines with "input" and "output")');
    if (!o.validationFile) throw new Error('--task scrolls needs --validation-file FILE');
  } else {
    for (const k of ['trainFile', 'validationFile', 'testFile'] as const) {
      if (o[k] !== null) throw new Error(`--${toKebab(k)} is only used with --task scrolls`);
    }
  }
  if (o.task !== 'all' && o.mnliCheckpoint !== null) {
    throw new Error(
      '--mnli-checkpoint is only used with --task all (for one task, pass the MNLI model as --model-name-or-path)',
    );
  }
  if (o.task !== 'embedded' && o.task !== 'scrolls' && o.dataDir === null) {
    throw new Error(`--data-dir is required for --task ${o.task} (the GLUE data folder)`);
  }
}
