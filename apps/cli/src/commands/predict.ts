import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AnyBiGSModel,
  type BiGSConfig,
  type BiGSForMaskedLM,
  type BiGSForSequenceClassification,
  type BiGSModel,
  fromPretrained,
  writeFileAtomic,
} from '@bigs/models';
import { type BackendRequest, initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import type { CliIO, Command, CommandGroup, FlagSpec, ParsedFlags } from '../router.js';
import { UsageError } from '../router.js';
import { classifyCommands } from './classify.js';
import { embedCommands } from './embed.js';
import { fillMaskCommands } from './fill-mask.js';
import { backendFlag, textCommandFlags } from './text-io.js';

const HEADS = ['base', 'masked-lm', 'sequence-classification'] as const;
type PredictHead = (typeof HEADS)[number];

/** Tokenised inputs as read from the --inputs file. */
export interface PredictInputs {
  inputIds: number[][];
  attentionMask: number[][] | null;
  tokenTypeIds: number[][] | null;
}

/** A tensor in the output file. */
export interface JsonTensor {
  shape: number[];
  data: number[];
}

function intMatrix(
  file: string,
  field: string,
  value: unknown,
  check: (x: number) => string | null,
  shape?: [number, number],
): number[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`${file}: field '${field}' must be a non-empty array of arrays of integers`);
  }
  const width = shape?.[1] ?? (Array.isArray(value[0]) ? value[0].length : -1);
  if (shape && value.length !== shape[0]) {
    throw new UsageError(
      `${file}: field '${field}' has ${value.length} rows, expected ${shape[0]} (like input_ids)`,
    );
  }
  value.forEach((row, r) => {
    if (!Array.isArray(row)) throw new UsageError(`${file}: ${field}[${r}] must be an array of integers`);
    if (row.length !== width || width < 1) {
      throw new UsageError(
        `${file}: ${field}[${r}] has length ${row.length}, expected ${width} (rows must all have the same length: pad them)`,
      );
    }
    row.forEach((x, c) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) {
        throw new UsageError(`${file}: ${field}[${r}][${c}] must be an integer, got ${JSON.stringify(x)}`);
      }
      const bad = check(x);
      if (bad) throw new UsageError(`${file}: ${field}[${r}][${c}] = ${x}: ${bad}`);
    });
  });
  return value as number[][];
}

/**
 * Read and validate the inputs JSON: `input_ids` (required), `attention_mask`, `token_type_ids` as arrays of
 * equal-length integer arrays; ids < vocab_size, masks 0/1, token types < type_vocab_size.
 */
export function parsePredictInputs(file: string, json: unknown, config: BiGSConfig): PredictInputs {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(
      `${file}: must be a JSON object with input_ids (and optionally attention_mask, token_type_ids)`,
    );
  }
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!['input_ids', 'attention_mask', 'token_type_ids'].includes(k)) {
      throw new UsageError(
        `${file}: unknown field '${k}' (expected input_ids, attention_mask, token_type_ids)`,
      );
    }
  }
  if (obj.input_ids === undefined) throw new UsageError(`${file}: missing field 'input_ids'`);
  const v = config.vocabSize;
  const inputIds = intMatrix(file, 'input_ids', obj.input_ids, (x) =>
    x >= 0 && x < v ? null : `token id out of range [0, ${v}) (vocab_size)`,
  );
  const shape: [number, number] = [inputIds.length, inputIds[0]!.length];
  const attentionMask =
    obj.attention_mask === undefined || obj.attention_mask === null
      ? null
      : intMatrix(
          file,
          'attention_mask',
          obj.attention_mask,
          (x) => (x === 0 || x === 1 ? null : 'must be 0 or 1'),
          shape,
        );
  const t = config.typeVocabSize;
  const tokenTypeIds =
    obj.token_type_ids === undefined || obj.token_type_ids === null
      ? null
      : intMatrix(
          file,
          'token_type_ids',
          obj.token_type_ids,
          (x) => (x >= 0 && x < t ? null : `token type out of range [0, ${t}) (type_vocab_size)`),
          shape,
        );
  return { inputIds, attentionMask, tokenTypeIds };
}

const toJson = (t: tf.Tensor): JsonTensor => ({ shape: t.shape.slice(), data: Array.from(t.dataSync()) });

/** Run the model on the inputs (in batches) and collect the outputs of the head as JSON tensors. */
export function predict(
  model: AnyBiGSModel,
  head: PredictHead,
  inputs: PredictInputs,
  batchSize: number,
): Record<string, JsonTensor | JsonTensor[]> {
  const n = inputs.inputIds.length;
  const parts: Array<Record<string, JsonTensor | JsonTensor[]>> = [];
  for (let s = 0; s < n; s += batchSize) {
    const rows = (m: number[][] | null) => (m ? m.slice(s, s + batchSize) : null);
    const out: Record<string, JsonTensor | JsonTensor[]> = {};
    tf.tidy(() => {
      const t = (m: number[][] | null, dtype: 'int32' | 'float32') =>
        m ? tf.tensor2d(m, undefined, dtype) : null;
      const batch = {
        inputIds: t(rows(inputs.inputIds), 'int32')!,
        attentionMask: t(rows(inputs.attentionMask), 'float32'),
        tokenTypeIds: t(rows(inputs.tokenTypeIds), 'int32'),
      };
      if (head === 'base') {
        const o = (model as BiGSModel).forward(batch, { outputHiddenStates: true });
        out.last_hidden_state = toJson(o.lastHiddenState);
        out.hidden_states = o.hiddenStates!.map(toJson);
      } else if (head === 'masked-lm') {
        out.logits = toJson((model as BiGSForMaskedLM).forward(batch).logits);
      } else {
        const o = (model as BiGSForSequenceClassification).forward(batch);
        out.logits = toJson(o.logits);
        out.pooler_output = toJson(o.poolerOutput!);
      }
    });
    parts.push(out);
  }
  // Concatenate batches along axis 0.
  const cat = (xs: JsonTensor[]): JsonTensor => ({
    shape: [xs.reduce((a, x) => a + x.shape[0]!, 0), ...xs[0]!.shape.slice(1)],
    data: xs.flatMap((x) => x.data),
  });
  const result: Record<string, JsonTensor | JsonTensor[]> = {};
  for (const key of Object.keys(parts[0]!)) {
    const first = parts[0]![key]!;
    result[key] = Array.isArray(first)
      ? first.map((_, i) => cat(parts.map((p) => (p[key] as JsonTensor[])[i]!)))
      : cat(parts.map((p) => p[key] as JsonTensor));
  }
  return result;
}

/** The head a model directory was saved with (config.json `architectures`): masked-lm, sequence-classification or base. */
export function savedHead(dir: string): PredictHead {
  let arch = '';
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { architectures?: unknown };
    arch = Array.isArray(config.architectures) ? String(config.architectures[0] ?? '') : '';
  } catch {
    // no readable config.json: the pipeline's loader reports it
  }
  if (arch.endsWith('ForMaskedLM')) return 'masked-lm';
  if (arch.endsWith('ForSequenceClassification')) return 'sequence-classification';
  return 'base';
}

/**
 * `bigs predict --text`: texts in, named answers out, by the model's head — masked-lm: fill-mask (top-k tokens per
 * [MASK]); sequence-classification: labels with scores; base: embeddings. The same as `bigs fill-mask`, `bigs
 * classify` and `bigs embed`, with their defaults.
 */
async function runText(flags: ParsedFlags, io: CliIO): Promise<number> {
  if (flags.inputs !== undefined || flags.out !== undefined) {
    throw new UsageError(
      '--text reads TEXT arguments, --input FILE or stdin and prints the answers; --inputs/--out are for token ids without --text',
    );
  }
  const dir = flags.model as string;
  if (!existsSync(dir)) throw new UsageError(`--model ${dir}: does not exist`);
  const head = (flags.head as PredictHead | undefined) ?? savedHead(dir);
  const group =
    head === 'masked-lm'
      ? fillMaskCommands
      : head === 'sequence-classification'
        ? classifyCommands
        : embedCommands;
  const cmd = group.commands[0]!;
  const defaults = Object.fromEntries(
    cmd.flags.filter((f) => f.default !== undefined).map((f) => [f.name, f.default]),
  );
  const known = new Set(cmd.flags.map((f) => f.name));
  const own = Object.fromEntries(Object.entries(flags).filter(([k]) => k === '_' || known.has(k)));
  return (await cmd.run({ ...defaults, ...own }, io)) ?? 0;
}

async function run(flags: ParsedFlags, io: CliIO): Promise<number> {
  if (flags.text) return runText(flags, io);
  const words = (flags._ as string[] | undefined) ?? [];
  if (words.length > 0)
    throw new UsageError(
      `TEXT arguments ("${words[0]}") need --text (without it, --inputs FILE.json holds token ids)`,
    );
  if (flags.inputs === undefined || flags.out === undefined) {
    throw new UsageError(
      'give --inputs FILE.json (token ids) and --out FILE.json, or --text with TEXT arguments',
    );
  }
  const dir = flags.model as string;
  const inputsPath = flags.inputs as string;
  const outPath = flags.out as string;
  const head = (flags.head as PredictHead | undefined) ?? 'base';
  const batchSize = flags['batch-size'] as number;
  if (batchSize < 1) throw new UsageError(`--batch-size must be >= 1, got ${batchSize}`);
  if (!existsSync(dir)) throw new UsageError(`--model ${dir}: does not exist`);
  await initEngine({ backend: flags.backend as BackendRequest, quiet: true });
  let text: string;
  try {
    text = await readFile(inputsPath, 'utf8');
  } catch (e) {
    throw new UsageError(`--inputs ${inputsPath}: cannot read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${inputsPath}: not valid JSON (${(e as Error).message})`);
  }
  const overrides: Partial<BiGSConfig> = {};
  if (flags['kernel-length']) overrides.kernelLength = flags['kernel-length'] as BiGSConfig['kernelLength'];
  const { model } = await fromPretrained(dir, {
    head,
    overrides,
    logger: (m) => io.stderr(`note: ${m}\n`),
  });
  try {
    const inputs = parsePredictInputs(inputsPath, json, model.config);
    const result = predict(model, head, inputs, batchSize);
    await writeFileAtomic(outPath, `${JSON.stringify(result)}\n`);
  } finally {
    model.dispose();
  }
  return 0;
}

/** Text-mode flags (shared with bigs fill-mask / classify / embed) that predict does not already have. */
const TEXT_FLAGS: FlagSpec[] = textCommandFlags({ pair: true })
  .filter((f) => !['model', 'backend', 'batch-size'].includes(f.name))
  .map((f) => ({ ...f, description: `With --text: ${f.description}` }));

const PREDICT_FLAGS: FlagSpec[] = [
  { name: 'model', type: 'string', required: true, placeholder: 'DIR', description: 'Model directory.' },
  {
    name: 'text',
    type: 'boolean',
    description:
      "Text in, answers out: tokenize TEXT arguments / --input / stdin with the model's tokenizer ([CLS]/[SEP] added) and print named answers by the head — masked-lm: the top-k tokens of each [MASK]; sequence-classification: labels with scores; base: embeddings.",
  },
  {
    name: 'inputs',
    type: 'string',
    placeholder: 'FILE.json',
    description: 'Without --text: tokenised inputs.',
  },
  { name: 'out', type: 'string', placeholder: 'FILE.json', description: 'Without --text: output file.' },
  {
    name: 'head',
    type: 'string',
    choices: HEADS,
    defaultText: "base; with --text the model's own (config.json architectures)",
    description: 'Which outputs to compute.',
  },
  backendFlag(),
  {
    name: 'kernel-length',
    type: 'string',
    choices: ['input', 'max_position'],
    description:
      "Without --text: override the model's length semantics (input = any L <= P; max_position = L must be P).",
  },
  {
    name: 'batch-size',
    type: 'integer',
    default: 32,
    min: 1,
    placeholder: 'N',
    description: 'Rows per forward pass.',
  },
  {
    name: 'top-k',
    type: 'integer',
    min: 1,
    placeholder: 'K',
    description: 'With --text: candidates per [MASK] (default 5), or labels per input (default all).',
  },
  ...TEXT_FLAGS,
];

const predictRun: Command = {
  name: 'run',
  summary:
    'Run a saved model on tokenised inputs and write its outputs as JSON, or with --text on texts, printing named answers.',
  details:
    'With --text: pnpm --silent bigs predict --text --model runs/pretrain-tiny "the old [MASK] told a story" (a table on a\n' +
    "terminal, JSON lines with --json), as bigs fill-mask / classify / embed by the model's head.\n" +
    'Without --text, inputs: {"input_ids": [[...], ...], "attention_mask": [[...]], "token_type_ids": [[...]]} (rows of equal\n' +
    'length; only input_ids is required). Output: {"name": {"shape": [...], "data": [row-major floats]}}:\n' +
    '  base: last_hidden_state [B, L, H] and hidden_states (embeddings + one per layer)\n' +
    '  masked-lm: logits [B, L, V]\n' +
    '  sequence-classification: logits [B, num_labels] and pooler_output [B, H]\n' +
    'The model directory holds config.json and model.safetensors or flax_model.msgpack. Flax weights need\n' +
    'inputs of length exactly max_position_embeddings unless --kernel-length input. The output file is\n' +
    'written atomically.',
  positionals: { name: 'TEXT', description: 'With --text: texts to answer (one input each).' },
  flags: PREDICT_FLAGS,
  run,
};

/** `bigs predict …` */
export const predictCommands: CommandGroup = {
  name: 'predict',
  summary: 'Run a model (@bigs/models) on tokenised inputs, or on texts with --text.',
  commands: [predictRun],
  defaultCommand: 'run',
};
