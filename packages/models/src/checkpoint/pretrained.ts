import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BiGSConfig, configToJSON, type Semantics } from '../config/config.js';
import type { BiGSPreTrainedModel } from '../model/bigs-model.js';
import { type AnyBiGSModel, architectureName } from '../model/head-models.js';
import { writeFileAtomic } from '../safetensors/io.js';
import { serializeSafetensors } from '../safetensors/safetensors.js';
import {
  CONFIG_NAME,
  FLAX_NAME,
  type FromPretrainedOptions,
  type LoadedModel,
  modelFromCheckpoint,
  PYTORCH_BIN_NAME,
  parseJsonText,
  parseWeights,
  SAFETENSORS_NAME,
} from './from-files.js';
import { type HostTensor, type LoadReport, loadStateDict } from './load-state.js';
import { buildNameMap, type NameFormat } from './name-map.js';

// The file names and load options live with the in-memory loader; re-exported here for existing importers.
export {
  CONFIG_NAME,
  FLAX_NAME,
  type FromPretrainedOptions,
  type LoadedModel,
  PYTORCH_BIN_NAME,
  SAFETENSORS_NAME,
} from './from-files.js';

/** Options of {@link savePretrained}. */
export interface SavePretrainedOptions {
  /** Extra files written next to the model, as bytes or text (e.g. `vocab.txt`, `tokenizer.json`). */
  tokenizerFiles?: Record<string, Uint8Array | string>;
}

/**
 * Export the model's weights under the official PyTorch-port names (`bigs.…`; HF BERT names for the STACK +
 * attention baseline), Linear weights transposed to torch's [out, in].
 *
 * @example
 * stateDict(model).get('bigs.encoder.layer.0.dv.weight')?.shape; // [I, H]
 */
export function stateDict(model: BiGSPreTrainedModel): Map<string, HostTensor> {
  const params = model.parameterMap();
  const out = new Map<string, HostTensor>();
  for (const e of buildNameMap(model)) {
    const v = params.get(e.param)!.variable;
    const data = v.dataSync() as Float32Array;
    if (e.transposeTorch) {
      const [r, c] = e.shape as [number, number];
      const t = new Float32Array(data.length);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = data[i * c + j]!;
      out.set(e.torch, { shape: [c, r], data: t });
    } else {
      out.set(e.torch, { shape: e.shape.slice(), data: Float32Array.from(data) });
    }
  }
  return out;
}

/**
 * Write `config.json` (snake_case, with `architectures` and the `semantics` used) and `model.safetensors`
 * (F32, PyTorch-port names, `__metadata__.format = "pt"` so HF transformers loads it), plus any tokenizer files.
 * Each file is written atomically (temp file + rename); the weights are written before the config.
 *
 * @example
 * await savePretrained(model, 'runs/tiny'); // runs/tiny/{config.json, model.safetensors}
 */
export async function savePretrained(
  model: AnyBiGSModel,
  dir: string,
  options: SavePretrainedOptions = {},
): Promise<void> {
  const config: BiGSConfig = {
    ...model.config,
    architectures: [architectureName(model.config, model.headType)],
  };
  // Read every weight asynchronously first: backends without synchronous reads (webgpu in Node) then serve
  // stateDict's dataSync from the values cached here.
  await Promise.all([...model.parameterMap().values()].map((p) => p.variable.data()));
  const bytes = serializeSafetensors(stateDict(model), { format: 'pt', bigs_ts_head: model.headType });
  await writeFileAtomic(join(dir, SAFETENSORS_NAME), bytes);
  for (const [name, content] of Object.entries(options.tokenizerFiles ?? {})) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
      throw new Error(`savePretrained: tokenizer file name must be a plain file name, got '${name}'`);
    }
    await writeFileAtomic(join(dir, name), content);
  }
  await writeFileAtomic(join(dir, CONFIG_NAME), `${JSON.stringify(configToJSON(config), null, 2)}\n`);
}

/** Which weight file a directory holds and which naming / semantics it implies. */
export function detectWeights(dir: string): { path: string; format: NameFormat; semantics: Semantics } {
  if (!existsSync(dir)) {
    throw new Error(
      `${dir}: does not exist (expected a model directory holding ${CONFIG_NAME} and ${SAFETENSORS_NAME} or ${FLAX_NAME})`,
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new Error(
      `${dir}: is a file, not a model directory (expected a directory holding ${CONFIG_NAME} and ${SAFETENSORS_NAME} or ${FLAX_NAME})`,
    );
  }
  const st = join(dir, SAFETENSORS_NAME);
  if (existsSync(st)) return { path: st, format: 'torch', semantics: 'pytorch' };
  const fx = join(dir, FLAX_NAME);
  if (existsSync(fx)) return { path: fx, format: 'flax', semantics: 'flax' };
  if (existsSync(join(dir, `${SAFETENSORS_NAME}.index.json`))) {
    throw new Error(
      `${dir}: sharded safetensors (model.safetensors.index.json) are not supported; merge the shards into one model.safetensors`,
    );
  }
  if (existsSync(join(dir, PYTORCH_BIN_NAME))) {
    throw new Error(
      `${dir}: holds only ${PYTORCH_BIN_NAME} (a Python pickle, which this library does not read). Convert it to ` +
        `safetensors first, e.g. in Python: from safetensors.torch import save_file; import torch; ` +
        `sd = torch.load('${PYTORCH_BIN_NAME}', map_location='cpu'); ` +
        `save_file({k: v.contiguous() for k, v in sd.items() if k != 'cls.predictions.decoder.weight'}, ` +
        `'${SAFETENSORS_NAME}', metadata={'format': 'pt'})`,
    );
  }
  throw new Error(`${dir}: no weights found (expected ${SAFETENSORS_NAME} or ${FLAX_NAME})`);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseJsonText(text, path);
}

/** Parse a weights file of the given format (validated in full, nothing assigned). */
export async function readWeights(path: string, format: NameFormat): Promise<Map<string, HostTensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseWeights(bytes, format, path);
}

/**
 * Load `config.json` + weights from a directory: `model.safetensors` (PyTorch-port / HF BERT names; written by
 * {@link savePretrained} or converted from the official `pytorch_model.bin`) or the official `flax_model.msgpack`.
 *
 * Semantics follow the source unless config.json records them: Flax weights run as Flax (tanh GELU in blocks,
 * input length must be P), PyTorch-port weights as the port (erf GELU in blocks, any L ≤ P). `overrides` wins.
 *
 * @example
 * const { model } = await fromPretrained('BiGS_128', { head: 'sequence-classification', overrides: { numLabels: 3 } });
 */
export async function fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<LoadedModel> {
  const weights = detectWeights(dir);
  const configPath = join(dir, CONFIG_NAME);
  const json = await readJson(configPath);
  const tensors = await readWeights(weights.path, weights.format);
  return modelFromCheckpoint({ json, configPath, tensors, ...weights }, options);
}

/**
 * Load the weights of a directory into an existing model (same validation as {@link fromPretrained}; on any
 * error the model is unchanged).
 *
 * @example
 * await loadWeights(model, 'runs/tiny');
 */
export async function loadWeights(
  model: BiGSPreTrainedModel,
  dir: string,
  options: Omit<FromPretrainedOptions, 'head' | 'overrides' | 'seed'> = {},
): Promise<LoadReport> {
  const weights = detectWeights(dir);
  const tensors = await readWeights(weights.path, weights.format);
  return loadStateDict(model, tensors, {
    format: weights.format,
    source: weights.path,
    ignoreMismatchedSizes: options.ignoreMismatchedSizes ?? false,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
