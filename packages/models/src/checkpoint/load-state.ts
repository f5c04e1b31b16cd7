import * as tf from '@tensorflow/tfjs';
import type { BiGSPreTrainedModel } from '../model/bigs-model.js';
import { backbonePrefix, buildNameMap, type NameFormat, type NameMapEntry } from './name-map.js';

/** A tensor from a checkpoint file, converted to float32. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** What a load did. Every name here is a checkpoint name, except `newlyInitialized` (our parameter names). */
export interface LoadReport {
  /** Checkpoint tensors copied into the model. */
  loaded: string[];
  /** Our parameters absent from the checkpoint (heads / pooler only) and left at their fresh init. */
  newlyInitialized: string[];
  /** Checkpoint tensors deliberately not used (tied decoder, buffers, a head this model does not have). */
  ignored: string[];
  /** Checkpoint tensors whose shape differed and that were re-initialised (`ignoreMismatchedSizes`). */
  mismatched: string[];
  /** Human-readable notes, one per decision (also passed to the logger). */
  notes: string[];
}

/** Options of {@link loadStateDict}. */
export interface LoadStateOptions {
  /** Naming convention of the tensors. */
  format: NameFormat;
  /** File name for error messages. */
  source?: string;
  /**
   * Re-initialise (keep fresh) task-head parameters (`classifier`, `qa_outputs`) whose checkpoint shape differs,
   * instead of failing (HF option, e.g. a classifier with another label count). Any other mis-shaped tensor is an
   * error with or without it.
   */
  ignoreMismatchedSizes?: boolean;
  /** Receives each note (default: `console.warn`). */
  logger?: (message: string) => void;
}

/** A checkpoint tensor whose shape differs from the model's parameter. */
export interface MisShapedTensor {
  /** Name in the checkpoint file. */
  name: string;
  /** Shape in the file. */
  shape: number[];
  /** Shape the model expects (in the file's layout). */
  expected: number[];
  /** A task-head tensor (`classifier.*`, `qa_outputs.*`): the only kind `ignoreMismatchedSizes` may re-initialise. */
  taskHead: boolean;
}

/** Thrown by {@link loadStateDict} when a checkpoint does not match the model; the message names every tensor. */
export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
  constructor(
    message: string,
    /** Backbone tensors the checkpoint lacks. */
    readonly missing: string[],
    /** Checkpoint tensors the model has no place for. */
    readonly unexpected: string[],
    /** Tensors of another shape (those not re-initialised). */
    readonly misShaped: MisShapedTensor[],
  ) {
    super(message);
  }
}

/**
 * Whether a parameter (our dotted name) belongs to a task head: its shape follows the task (label count), not the
 * architecture, so `ignoreMismatchedSizes` may re-initialise it. Everything else (embeddings, encoder, pooler, MLM
 * head) follows config.json, and a mis-shaped one means the weights belong to another architecture.
 */
export function isTaskHeadParam(param: string): boolean {
  return /^(classifier|qa_outputs)\./.test(param);
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) return false;
  return true;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** What the phases of {@link loadStateDict} share: the name table, the file's tensors and what was found. */
interface LoadContext {
  where: string;
  format: NameFormat;
  sep: string;
  prefix: string;
  table: NameMapEntry[];
  nameOf: (e: NameMapEntry) => string;
  tensors: Map<string, HostTensor>;
  /** Table name → checkpoint name. */
  tableToFile: Map<string, string>;
  hasMlmHead: boolean;
  hasPooler: boolean;
  ignoreMismatchedSizes: boolean;
  report: LoadReport;
  pending: Array<{ entry: NameMapEntry; values: Float32Array; fileName: string }>;
  unexpected: string[];
  otherHeads: string[];
  misShaped: MisShapedTensor[];
  matched: Set<string>;
}

/**
 * Prefix adaptation (HF base_model_prefix logic): a head checkpoint into a bare model, or the reverse. Returns
 * checkpoint name → table name, and the head tensors a bare model has no place for.
 */
function renameForModel(keys: string[], prefix: string, isBase: boolean) {
  const fileHasPrefix = keys.some((k) => k.startsWith(prefix));
  const rename = new Map<string, string>(); // checkpoint name → table name
  const ignoredHeads: string[] = [];
  for (const k of keys) {
    if (isBase && fileHasPrefix) {
      if (k.startsWith(prefix)) rename.set(k, k.slice(prefix.length));
      else ignoredHeads.push(k); // a head of the checkpoint: the bare model has none
    } else if (!isBase && !fileHasPrefix && /^(embeddings|encoder|pooler)[./]/.test(k)) {
      rename.set(k, prefix + k);
    } else rename.set(k, k);
  }
  return { rename, ignoredHeads };
}

/** A tied decoder weight in the file: ignored, with a note saying whether it equals the word embeddings. */
function ignoreTiedDecoder(c: LoadContext, fileName: string, t: HostTensor): void {
  const wordEmbEntry = c.table.find((e) => e.param.endsWith('embeddings.word_embeddings.weight'));
  const embName = wordEmbEntry && c.nameOf(wordEmbEntry);
  const emb = embName === undefined ? undefined : c.tensors.get(c.tableToFile.get(embName) ?? '');
  const equal =
    emb !== undefined &&
    (c.format === 'torch'
      ? sameValues(emb.data, t.data)
      : t.shape.length === 2 && sameValues(emb.data, transpose2d(t.data, t.shape[0]!, t.shape[1]!)));
  c.report.ignored.push(fileName);
  c.report.notes.push(
    equal
      ? `${c.where}: '${fileName}' is the tied decoder (equal to the word embeddings): ignored`
      : `${c.where}: '${fileName}' differs from the word embeddings but tie_word_embeddings is true: ignored, the decoder uses the embeddings`,
  );
}

/** A file tensor with no place in the table: ignored (buffers, tied or absent heads) or unexpected. */
function placeUnmatched(
  c: LoadContext,
  fileName: string,
  tableName: string,
  t: HostTensor,
  tied: boolean,
): void {
  const { sep, prefix, format, table, report } = c;
  const D = (...parts: string[]) => parts.join(sep);
  const rel = tableName.startsWith(prefix) ? tableName.slice(prefix.length) : tableName;
  if (/(^|[./])position_ids$/.test(rel)) {
    report.ignored.push(fileName); // torch buffer, not a parameter
  } else if (
    tied &&
    c.hasMlmHead &&
    tableName === D('cls', 'predictions', 'decoder', format === 'torch' ? 'weight' : 'kernel')
  ) {
    // Tied decoder: should equal the word embeddings (HF re-ties after loading anyway).
    ignoreTiedDecoder(c, fileName, t);
  } else if (c.hasMlmHead && tableName === D('cls', 'predictions', 'decoder', 'bias')) {
    const bias = c.tensors.get(c.tableToFile.get(D('cls', 'predictions', 'bias')) ?? '');
    if (bias && !sameValues(bias.data, t.data)) {
      throw new Error(
        `${c.where}: tensor '${fileName}' must equal '${D('cls', 'predictions', 'bias')}' (the torch port ties them)`,
      );
    }
    report.ignored.push(fileName);
  } else if (!c.hasMlmHead && /^cls[./]/.test(tableName)) {
    report.ignored.push(fileName);
  } else if (
    /^(classifier|qa_outputs)[./]/.test(tableName) &&
    !table.some((e) => c.nameOf(e).split(sep)[0] === tableName.split(sep)[0])
  ) {
    report.ignored.push(fileName); // another task head (HF: "some weights of the checkpoint were not used")
    c.otherHeads.push(fileName);
  } else if (!c.hasPooler && /^pooler[./]/.test(rel)) {
    report.ignored.push(fileName);
  } else {
    c.unexpected.push(fileName);
  }
}

/** A file tensor with a place in the table: shape-checked, then queued (or re-initialised / reported). */
function placeMatched(c: LoadContext, fileName: string, entry: NameMapEntry, t: HostTensor): void {
  c.matched.add(entry.param);
  const transpose = c.format === 'torch' && entry.transposeTorch;
  const want = transpose ? [...entry.shape].reverse() : entry.shape;
  const same = t.shape.length === want.length && t.shape.every((d, i) => d === want[i]);
  if (!same) {
    const taskHead = isTaskHeadParam(entry.param);
    if (c.ignoreMismatchedSizes && taskHead) {
      c.report.mismatched.push(fileName);
      c.report.notes.push(
        `${c.where}: '${fileName}' has shape [${t.shape}] but the model expects [${want}]: re-initialised (ignoreMismatchedSizes)`,
      );
    } else {
      c.misShaped.push({ name: fileName, shape: t.shape.slice(), expected: want.slice(), taskHead });
    }
    return;
  }
  const values = transpose ? transpose2d(t.data, t.shape[0]!, t.shape[1]!) : t.data;
  c.pending.push({ entry, values, fileName });
}

/** One note for all checkpoint tensors this model has no place for, each tensor named once. */
function noteDropped(c: LoadContext, ignoredHeads: readonly string[]): void {
  const dropped = new Set<string>();
  const droppedGroups: string[] = [];
  const dropGroup = (what: string, names: readonly string[]) => {
    const fresh = names.filter((n) => !dropped.has(n));
    for (const n of fresh) dropped.add(n);
    if (fresh.length > 0) droppedGroups.push(`${what}: ${fresh.join(', ')}`);
  };
  const ignored = c.report.ignored;
  dropGroup('head tensors (the bare model has no head)', ignoredHeads);
  dropGroup(
    'MLM head tensors (this model has no MLM head)',
    ignored.filter((n) => /^cls[./]/.test(n) && !c.hasMlmHead),
  );
  dropGroup('task-head tensors of another task', c.otherHeads);
  dropGroup(
    'pooler tensors (this model has no pooler)',
    ignored.filter((n) => /pooler[./]/.test(n) && !c.hasPooler),
  );
  if (droppedGroups.length > 0) {
    c.report.notes.push(
      `${c.where}: dropped the checkpoint tensors this model does not use: ${droppedGroups.join('; ')}`,
    );
  }
}

/**
 * Parameters the file lacks (backbone: an error; heads: newly initialised), unexpected and mis-shaped tensors:
 * throws one {@link CheckpointMismatchError} naming them all.
 */
function checkComplete(c: LoadContext): void {
  const missingBackbone: string[] = [];
  for (const e of c.table) {
    if (c.matched.has(e.param)) continue;
    if (e.backbone) missingBackbone.push(c.nameOf(e));
    else c.report.newlyInitialized.push(e.param);
  }
  const problems: string[] = [];
  if (missingBackbone.length > 0) problems.push(`missing tensors: ${missingBackbone.join(', ')}`);
  if (c.unexpected.length > 0) problems.push(`unexpected tensors: ${c.unexpected.join(', ')}`);
  const heads = c.misShaped.filter((m) => m.taskHead);
  const others = c.misShaped.filter((m) => !m.taskHead);
  const describe = (ms: MisShapedTensor[]) =>
    ms.map((m) => `'${m.name}' has shape [${m.shape}] in the file, expected [${m.expected}]`).join('; ');
  if (others.length > 0) {
    problems.push(
      `mis-shaped tensors: ${describe(others)} (the weights were saved for another architecture than config.json ` +
        `describes: fix config.json or use the matching weights; ignoreMismatchedSizes re-initialises task-head ` +
        `tensors (classifier, qa_outputs) only)`,
    );
  }
  if (heads.length > 0) {
    problems.push(
      `mis-shaped task-head tensors: ${describe(heads)} (pass ignoreMismatchedSizes to re-initialise them)`,
    );
  }
  if (problems.length > 0) {
    throw new CheckpointMismatchError(
      `${c.where} does not match the model (${c.format} names): ${problems.join('; ')}`,
      missingBackbone,
      c.unexpected,
      c.misShaped,
    );
  }
}

/**
 * Copy checkpoint tensors into a model through the explicit name table ({@link buildNameMap}).
 *
 * Everything is validated before any variable is touched: a missing backbone tensor, an unexpected tensor or a
 * mis-shaped one is an Error naming the tensor (and the file), and the model is left unchanged. As the official
 * loaders do: a tied `cls.predictions.decoder.weight` (and its `decoder.bias` alias) is accepted and ignored,
 * `*.embeddings.position_ids` is ignored, heads absent from the checkpoint stay freshly initialised (noted),
 * a head in the checkpoint that this model lacks (`cls.*` on a classifier, the port's always-saved pooler on an
 * MLM model) is dropped (noted), and a `bigs.`-prefixed checkpoint loads into a bare model (and vice versa).
 *
 * @example
 * const report = loadStateDict(model, (await readSafetensors('m/model.safetensors')).tensors, { format: 'torch' });
 */
export function loadStateDict(
  model: BiGSPreTrainedModel,
  tensors: Map<string, HostTensor>,
  options: LoadStateOptions,
): LoadReport {
  const { format } = options;
  const sep = format === 'torch' ? '.' : '/';
  const table = buildNameMap(model);
  const prefix = backbonePrefix(model.config, format) + sep;
  const { rename, ignoredHeads } = renameForModel([...tensors.keys()], prefix, model.backbone === model);
  const c: LoadContext = {
    where: options.source ? `checkpoint '${options.source}'` : 'checkpoint',
    format,
    sep,
    prefix,
    table,
    nameOf: (e) => (format === 'torch' ? e.torch : e.flax),
    tensors,
    tableToFile: new Map([...rename].map(([f, t]) => [t, f])),
    hasMlmHead: table.some((e) => e.param.startsWith('cls.')),
    hasPooler: table.some((e) => /(^|\.)pooler\./.test(e.param)),
    ignoreMismatchedSizes: options.ignoreMismatchedSizes ?? false,
    report: { loaded: [], newlyInitialized: [], ignored: [], mismatched: [], notes: [] },
    pending: [],
    unexpected: [],
    otherHeads: [],
    misShaped: [],
    matched: new Set(),
  };
  const report = c.report;
  if (ignoredHeads.length > 0) report.ignored.push(...ignoredHeads); // noted below, with the other dropped tensors
  const byName = new Map(table.map((e) => [c.nameOf(e), e]));
  for (const [fileName, tableName] of rename) {
    const t = tensors.get(fileName)!;
    const entry = byName.get(tableName);
    if (entry) placeMatched(c, fileName, entry, t);
    else placeUnmatched(c, fileName, tableName, t, model.config.tieWordEmbeddings);
  }
  noteDropped(c, ignoredHeads);
  checkComplete(c);
  if (report.newlyInitialized.length > 0) {
    report.notes.push(
      `${c.where}: some weights of the model were not in the checkpoint and are newly initialized: ` +
        `${report.newlyInitialized.join(', ')} (train the model before using it for predictions)`,
    );
  }
  // All validated: now assign.
  const params = model.parameterMap();
  tf.tidy(() => {
    for (const { entry, values, fileName } of c.pending) {
      params.get(entry.param)!.variable.assign(tf.tensor(values, entry.shape, 'float32'));
      report.loaded.push(fileName);
    }
  });
  const log = options.logger ?? ((m: string) => console.warn(m));
  for (const n of report.notes) log(n);
  return report;
}
