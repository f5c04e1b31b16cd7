/**
 * What the text commands (`bigs fill-mask`, `bigs classify`, `bigs embed`) share: their common flags, reading
 * texts from arguments / a file / stdin (plain lines or JSON lines), loading the pipeline, the truncation notes,
 * and plain-text tables.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  type PipelineByTask,
  PipelineInputError,
  type PipelineTask,
  pipeline,
  type ResultBase,
} from '@bigs/pipelines';
import { BACKEND_REQUESTS, type BackendRequest, initEngine } from '@bigs/ssm-kernels';
import type { CliIO, FlagSpec, ParsedFlags } from '../router.js';
import { UsageError } from '../router.js';

/** One text to answer, and where it came from (`argument 2`, `in.txt:3`, `stdin:3`). */
export interface CliTextInput {
  text: string;
  pair: string | null;
  label: string;
}

/** The flags every text command has (before its own). */
export function textCommandFlags(options: { pair: boolean }): FlagSpec[] {
  const flags: FlagSpec[] = [
    {
      name: 'model',
      type: 'string',
      required: true,
      placeholder: 'DIR',
      description:
        'Model directory (config.json + model.safetensors or flax_model.msgpack, and its tokenizer).',
    },
    {
      name: 'input',
      type: 'string',
      placeholder: 'FILE',
      description:
        'Read the texts from FILE (- = stdin): one per line, or JSON lines {"text": …, "pair": …}. Without TEXT ' +
        'arguments or --input, piped stdin is read.',
    },
  ];
  if (options.pair) {
    flags.push({
      name: 'pair',
      type: 'string',
      placeholder: 'TEXT',
      description: 'Second text of a pair, for every TEXT argument (in files: JSON lines with "pair").',
    });
  }
  flags.push(
    {
      name: 'json',
      type: 'boolean',
      description: 'Print JSON lines (one result object per input) instead of a table.',
    },
    {
      name: 'tokenizer',
      deprecatedAliases: ['vocab', 'tokenizer-name'],
      type: 'string',
      placeholder: 'PATH',
      description: "Tokenizer dir, tokenizer.json or vocab.txt (default: the model dir's own).",
    },
    {
      name: 'truncation',
      type: 'string',
      choices: ['truncate', 'error'],
      default: 'truncate',
      description:
        'Input longer than the max length: cut it (a note on stderr says which) or refuse it with an error.',
    },
    {
      name: 'max-length',
      type: 'integer',
      placeholder: 'N',
      description: 'Tokens per input, [CLS]/[SEP] included (default and most: max_position_embeddings).',
    },
    {
      name: 'padding',
      type: 'string',
      choices: ['max_length', 'longest'],
      default: 'max_length',
      description:
        'Pad every input to the max length, as the model was trained (results independent of batching), or to the longest of its batch.',
    },
    {
      name: 'batch-size',
      type: 'integer',
      default: 8,
      placeholder: 'N',
      description: 'Inputs per forward pass.',
    },
    backendFlag(),
  );
  return flags;
}

/**
 * `--backend` of every `bigs` command: the engine `initEngine` starts (`use` says what for).
 * @example
 * backendFlag('TensorFlow.js backend for the semantics probe').default; // 'auto'
 */
export function backendFlag(use = 'TensorFlow.js backend'): FlagSpec {
  return {
    name: 'backend',
    type: 'string',
    choices: BACKEND_REQUESTS,
    default: 'auto',
    description: `${use} (auto: tfjs-node-gpu, webgpu on a hardware GPU, tfjs-node when installed, then native, wasm, cpu).`,
  };
}

function parseLines(text: string, where: (line: number) => string): CliTextInput[] {
  const out: CliTextInput[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const label = where(i + 1);
    if (!line.trimStart().startsWith('{')) {
      out.push({ text: line, pair: null, label });
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${label}: not valid JSON (${(e as Error).message})`);
    }
    const rec = obj as Record<string, unknown>;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof rec.text !== 'string') {
      throw new UsageError(`${label}: a JSON line must be an object with a string field "text" (and "pair")`);
    }
    const pair = rec.pair ?? null;
    if (pair !== null && typeof pair !== 'string') {
      throw new UsageError(`${label}: field "pair" must be a string or null, got ${JSON.stringify(pair)}`);
    }
    out.push({ text: rec.text, pair, label });
  });
  return out;
}

/**
 * The texts of a command: TEXT arguments (with `--pair`), else `--input FILE` (`-` = stdin), else piped stdin;
 * lines are plain texts or JSON objects `{"text", "pair"}`; blank lines are skipped.
 */
export async function readTextInputs(flags: ParsedFlags, io: CliIO): Promise<CliTextInput[]> {
  const words = (flags._ as string[] | undefined) ?? [];
  const file = flags.input as string | undefined;
  const pair = (flags.pair as string | undefined) ?? null;
  if (words.length > 0 && file !== undefined) {
    throw new UsageError('give the texts as TEXT arguments or with --input FILE, not both');
  }
  if (words.length > 0) return words.map((text, i) => ({ text, pair, label: `argument ${i + 1}` }));
  if (pair !== null) {
    throw new UsageError(
      '--pair goes with TEXT arguments; in a file or on stdin, write JSON lines {"text": …, "pair": …}',
    );
  }
  let inputs: CliTextInput[];
  if (file !== undefined && file !== '-') {
    if (!existsSync(file)) throw new UsageError(`--input ${file}: no such file`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--input ${file}: cannot read (${(e as Error).message})`);
    }
    inputs = parseLines(text, (n) => `${file}:${n}`);
    if (inputs.length === 0) throw new UsageError(`--input ${file}: holds no texts (only blank lines)`);
  } else {
    if (file === undefined && io.stdinIsTTY) {
      throw new UsageError('no input: give TEXT arguments, --input FILE, or pipe lines on stdin');
    }
    inputs = parseLines(await io.readStdin(), (n) => `stdin:${n}`);
    if (inputs.length === 0) throw new UsageError('no input: stdin holds no texts (only blank lines)');
  }
  return inputs;
}

/**
 * Select the engine, load the task's pipeline from `--model` and run it on the inputs. Errors become one line
 * naming the input as the user gave it (`stdin:3 has no [MASK] token …`); truncated inputs get a note on stderr.
 */
export async function runTextPipeline<T extends PipelineTask, R extends ResultBase, O>(
  task: T,
  flags: ParsedFlags,
  io: CliIO,
  call: (p: PipelineByTask[T], inputs: CliTextInput[], options: O) => Promise<R[]>,
  options: O,
): Promise<{ inputs: CliTextInput[]; results: R[] }> {
  const dir = flags.model as string;
  const batchSize = flags['batch-size'] as number;
  if (batchSize < 1) throw new UsageError(`--batch-size must be >= 1, got ${batchSize}`);
  if (!existsSync(dir)) throw new UsageError(`--model ${dir}: no such directory`);
  const inputs = await readTextInputs(flags, io);
  await initEngine({ backend: flags.backend as BackendRequest, quiet: true });
  const p = await pipeline(task, dir, {
    batchSize,
    truncation: flags.truncation as 'truncate' | 'error',
    padding: flags.padding as 'max_length' | 'longest',
    ...(flags['max-length'] !== undefined ? { maxLength: flags['max-length'] as number } : {}),
    ...(flags.tokenizer !== undefined ? { tokenizer: flags.tokenizer as string } : {}),
  }).catch((e: Error) => {
    throw new UsageError(e.message.startsWith(`${dir}: `) ? `--model ${e.message}` : e.message);
  });
  try {
    let results: R[];
    try {
      results = await call(p, inputs, options);
    } catch (e) {
      if (e instanceof PipelineInputError) {
        const hint = e.problem === 'too-long' ? 'shorten it, or pass --truncation truncate' : e.hint;
        throw new UsageError(`${inputs[e.index]?.label ?? `input ${e.index + 1}`} ${e.detail}; ${hint}`);
      }
      throw e;
    }
    results.forEach((r, i) => {
      if (r.truncated) {
        io.stderr(
          `note: ${inputs[i]!.label} has ${r.originalNumTokens} tokens, more than the max length ` +
            `${p.maxLength}: truncated to ${r.numTokens} (--truncation error refuses such inputs)\n`,
        );
      }
    });
    return { inputs, results };
  } finally {
    p.dispose();
  }
}

/** A text shortened to `n` characters for a table cell (newlines as spaces). */
export function cell(text: string, n = 48): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length <= n ? t : `${t.slice(0, n - 1)}…`;
}

/** Left-aligned columns (those in `right` right-aligned), two spaces apart, header underlined. */
export function table(header: string[], rows: string[][], right: readonly number[] = []): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((x, c) => (right.includes(c) ? x.padStart(w[c]!) : x.padEnd(w[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

/** A score with 4 decimals (scientific below 1e-4). */
export function fmtScore(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(2) : x.toFixed(4);
}
