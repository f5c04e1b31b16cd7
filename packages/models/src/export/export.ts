import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '@bigs/common';
import {
  buildNameMap,
  CONFIG_NAME,
  FLAX_NAME,
  type HostTensor,
  SAFETENSORS_NAME,
  serializeFlaxMsgpack,
  stateDict,
} from '../checkpoint/index.js';
import { type BiGSConfig, configToJSON } from '../config/config.js';
import type { HeadType } from '../model/bigs-model.js';
import { type AnyBiGSModel, architectureName } from '../model/head-models.js';
import { serializeSafetensors, type TensorToWrite, writeFileAtomic } from '../safetensors/index.js';
import { type Drift, measureDrift } from './drift.js';
import {
  type ExportTarget,
  type SemanticsDifference,
  semanticsDifferences,
  targetConfig,
} from './semantics.js';

/**
 * The `config.json` keys the official `BiGSConfig` (configuration_bigs.py) takes, plus the `PretrainedConfig`
 * fields the official models read. Our extension keys (`block_gelu`, `kernel_length`, `semantics`, …) are left out:
 * the official code ignores them, and its loader would keep them as unexplained attributes.
 */
export const OFFICIAL_CONFIG_KEYS: readonly string[] = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'intermediate_size',
  'hidden_act',
  'hidden_dropout_prob',
  'max_position_embeddings',
  'type_vocab_size',
  'initializer_range',
  'layer_norm_eps',
  'pad_token_id',
  'position_embedding_type',
  'use_cache',
  'classifier_dropout',
  'num_ssm',
  'pre_norm',
  'decode',
  'scaling',
  'pooler_type',
  'use_pykeops_kernel',
  'tie_word_embeddings',
  'id2label',
  'label2id',
  'problem_type',
  'model_type',
  'architectures',
];

/**
 * The `config.json` object for the target: the official keys only, `architectures` naming the head, HF
 * bookkeeping keys (`transformers_version`, …) carried through. `num_labels` is implied by `id2label`, as HF writes it.
 *
 * @example
 * exportConfigJSON(model.config, 'masked-lm'); // { vocab_size: …, architectures: ['BiGSForMaskedLM'], … }
 */
export function exportConfigJSON(config: BiGSConfig, head: HeadType): Record<string, unknown> {
  const all = configToJSON({ ...config, architectures: [architectureName(config, head)] });
  const out: Record<string, unknown> = {};
  for (const k of OFFICIAL_CONFIG_KEYS) out[k] = all[k];
  for (const [k, v] of Object.entries(config.extra)) out[k] = v;
  return out;
}

/** Whether the target's model class for this head holds pooler weights. */
export function targetHasPooler(head: HeadType, target: ExportTarget): boolean {
  // The PyTorch port's BiGSModel always builds its pooler; Flax creates parameters only for modules it calls.
  return target === 'pytorch' || ['base', 'sequence-classification', 'multiple-choice'].includes(head);
}

/** What an export wrote besides our own weights, and why. */
export interface ExportNotes {
  notes: string[];
}

/** A fresh pooler as the official `_init_weights` makes it: weight ~ N(0, initializer_range), bias 0 (seeded). */
function freshPooler(config: BiGSConfig, seed: number): { kernel: Float32Array; bias: Float32Array } {
  const H = config.hiddenSize;
  const rng = createRng(seed);
  const kernel = Float32Array.from({ length: H * H }, () => config.initializerRange * rng.normal()); // [H, H]
  return { kernel, bias: new Float32Array(H) }; // bias [H]
}

/**
 * The PyTorch port's state_dict of a model: our tensors under the port's names (Linear weights [out, in]), plus what
 * the port's `state_dict()` holds that we do not keep: the `position_ids` buffer (int64 [1, P]), the tied decoder
 * (`cls.predictions.decoder.weight` = word embeddings, `decoder.bias` = `cls.predictions.bias`, as torch saves
 * shared tensors under both names) and, for heads without a pooler, a freshly initialised pooler.
 */
export function torchExportTensors(
  model: AnyBiGSModel,
  seed = 0,
): { tensors: Map<string, TensorToWrite>; notes: string[] } {
  const config = model.config;
  const prefix = model.headType === 'base' ? '' : 'bigs.';
  const sd = stateDict(model);
  const notes: string[] = [];
  const tensors = new Map<string, TensorToWrite>(sd);
  const P = config.maxPositionEmbeddings;
  const positionIds = BigInt64Array.from({ length: P }, (_, i) => BigInt(i));
  tensors.set(`${prefix}embeddings.position_ids`, { shape: [1, P], data: positionIds }); // [1, P] int64
  if (!sd.has(`${prefix}pooler.dense.weight`)) {
    const { kernel, bias } = freshPooler(config, seed);
    tensors.set(`${prefix}pooler.dense.weight`, {
      shape: [config.hiddenSize, config.hiddenSize],
      data: kernel,
    });
    tensors.set(`${prefix}pooler.dense.bias`, { shape: [config.hiddenSize], data: bias });
    notes.push(
      `wrote a freshly initialised ${prefix}pooler.dense (weight ~ N(0, ${config.initializerRange}), bias 0): the ` +
        `port's BiGSModel always has a pooler and would initialise it the same way; this ${model.headType} model ` +
        "has none, so the pooler is untrained (it does not enter this head's outputs)",
    );
  }
  if (model.headType === 'masked-lm' && config.tieWordEmbeddings) {
    tensors.set('cls.predictions.decoder.weight', sd.get('bigs.embeddings.word_embeddings.weight')!);
    tensors.set('cls.predictions.decoder.bias', sd.get('cls.predictions.bias')!);
    notes.push(
      'wrote the tied decoder (cls.predictions.decoder.weight = the word embeddings, decoder.bias = ' +
        'cls.predictions.bias) so a strict load_state_dict finds every key of the port',
    );
  }
  return { tensors, notes };
}

/**
 * The official Flax params tree of a model (`/`-joined paths, kernels [in, out] as ours), as the Flax module creates
 * it: the MLM decoder is the shared embedding (no tensor), and a pooler only where the Flax head calls it.
 */
export function flaxExportTensors(
  model: AnyBiGSModel,
  seed = 0,
): { tensors: Map<string, HostTensor>; notes: string[] } {
  const params = model.parameterMap();
  const tensors = new Map<string, HostTensor>();
  const notes: string[] = [];
  const wantPooler = targetHasPooler(model.headType, 'flax');
  const dropped: string[] = [];
  for (const e of buildNameMap(model)) {
    if (/(^|\/)pooler\//.test(e.flax) && !wantPooler) {
      dropped.push(e.flax);
      continue;
    }
    const data = Float32Array.from(params.get(e.param)!.variable.dataSync() as Float32Array);
    tensors.set(e.flax, { shape: e.shape.slice(), data });
  }
  if (dropped.length > 0)
    notes.push(`left out ${dropped.join(', ')}: the Flax ${model.headType} head has no pooler`);
  const prefix = model.headType === 'base' ? '' : 's4_bert/';
  if (wantPooler && !tensors.has(`${prefix}pooler/dense/kernel`)) {
    const { kernel, bias } = freshPooler(model.config, seed);
    const H = model.config.hiddenSize;
    tensors.set(`${prefix}pooler/dense/kernel`, { shape: [H, H], data: kernel });
    tensors.set(`${prefix}pooler/dense/bias`, { shape: [H], data: bias });
    notes.push(
      `wrote a freshly initialised ${prefix}pooler/dense (kernel ~ N(0, ${model.config.initializerRange}), bias 0), ` +
        'as the Flax module would create it: this model has no pooler',
    );
  }
  return { tensors, notes };
}

/** Options of {@link exportModel}. */
export interface ExportOptions {
  to: ExportTarget;
  /** Write even when the target computes differently (the report carries the measured drift). */
  allowSemanticsChange?: boolean;
  /** Extra files written next to the model (tokenizer files), as bytes or text. */
  extraFiles?: Record<string, Uint8Array | string>;
  /** Seed of a fresh pooler (when one is written). */
  seed?: number;
}

/** What {@link exportModel} did. */
export interface ExportReport {
  target: ExportTarget;
  /** Files written, in the output directory. */
  files: string[];
  /** Where our arithmetic and the target's differ (empty: identical). */
  differences: SemanticsDifference[];
  /** Output drift on the probe batch between our model and the target's computation (null when identical). */
  drift: Drift | null;
  notes: string[];
}

/** Extra files must be plain names that do not replace the config or a weight file; checked before writing. */
function checkExtraFileNames(names: readonly string[]): void {
  const reserved = [CONFIG_NAME, SAFETENSORS_NAME, FLAX_NAME];
  for (const name of names) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.') || reserved.includes(name)) {
      throw new Error(
        `exportModel: extra file name must be a plain file name other than ${reserved.join(', ')}, got '${name}'`,
      );
    }
  }
}

/** Thrown when the target computes differently and `allowSemanticsChange` is not set; nothing is written. */
export class SemanticsMismatchError extends Error {
  override name = 'SemanticsMismatchError';
  constructor(
    message: string,
    readonly differences: SemanticsDifference[],
    readonly drift: Drift,
  ) {
    super(message);
  }
}

/** One line per difference, then the measured drift. */
export function describeMismatch(target: ExportTarget, diffs: SemanticsDifference[], drift: Drift): string {
  const list = diffs.map((d) => `${d.field}: ours ${d.ours}, ${target} ${d.target} (${d.reason})`).join('; ');
  const probe = `${drift.probe.rows} × ${drift.probe.tokens} tokens${drift.probe.targetLength !== drift.probe.tokens ? `, padded to ${drift.probe.targetLength} for ${target}` : ''}`;
  return (
    `the ${target} code computes differently from this model: ${list}. Measured drift on a probe batch ` +
    `(${probe}): max |Δ logits| = ${drift.logits.toExponential(2)}, max |Δ hidden| = ${drift.hidden.toExponential(2)}`
  );
}

/**
 * Export a model for the official code: `pytorch` → `config.json` + `model.safetensors` (the port's state_dict),
 * `flax` → `config.json` + `flax_model.msgpack` (the Flax params tree). When the target's arithmetic differs from
 * the model's, throws {@link SemanticsMismatchError} (reasons + measured drift) unless `allowSemanticsChange`.
 * Files are written atomically, weights before the config.
 *
 * @example
 * const report = await exportModel(model, 'out/pt', { to: 'pytorch' });
 */
export async function exportModel(
  model: AnyBiGSModel,
  dir: string,
  options: ExportOptions,
): Promise<ExportReport> {
  const { to } = options;
  checkExtraFileNames(Object.keys(options.extraFiles ?? {}));
  const differences = semanticsDifferences(model.config, model.headType, to);
  let drift: Drift | null = null;
  if (differences.length > 0) {
    drift = await measureDrift(model, targetConfig(model.config, model.headType, to));
    const why = describeMismatch(to, differences, drift);
    if (!options.allowSemanticsChange) {
      throw new SemanticsMismatchError(
        `export --to ${to}: refused: ${why}. Pass --allow-semantics-change to export anyway (the weights are ` +
          `unchanged; the ${to} code will compute the outputs above), or train with --semantics ${to} from the start`,
        differences,
        drift,
      );
    }
  }
  await mkdir(dir, { recursive: true });
  // Read every weight asynchronously first: backends without synchronous reads (webgpu in Node) then serve the
  // dataSync of the tensor builders from the values cached here.
  await Promise.all([...model.parameterMap().values()].map((p) => p.variable.data()));
  const notes: string[] = [];
  const files: string[] = [];
  if (to === 'pytorch') {
    const { tensors, notes: n } = torchExportTensors(model, options.seed);
    notes.push(...n);
    await writeFileAtomic(join(dir, SAFETENSORS_NAME), serializeSafetensors(tensors, { format: 'pt' }));
    files.push(SAFETENSORS_NAME);
  } else {
    const { tensors, notes: n } = flaxExportTensors(model, options.seed);
    notes.push(...n);
    await writeFileAtomic(join(dir, FLAX_NAME), serializeFlaxMsgpack(tensors));
    files.push(FLAX_NAME);
  }
  for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
    await writeFileAtomic(join(dir, name), content);
    files.push(name);
  }
  const config = exportConfigJSON(model.config, model.headType);
  await writeFileAtomic(join(dir, CONFIG_NAME), `${JSON.stringify(config, null, 2)}\n`);
  files.push(CONFIG_NAME);
  if (drift)
    notes.push(`semantics changed (--allow-semantics-change): ${describeMismatch(to, differences, drift)}`);
  return { target: to, files, differences, drift, notes };
}
