/**
 * Loading a model from its checkpoint files held in memory — no file system, so this runs in browsers (files
 * `fetch`ed from a URL) as well as under Node, where {@link fromPretrained} reads a directory and comes here.
 */
import { type BiGSConfig, configFromJSON, createConfig, type Semantics } from '../config/config.js';
import type { HeadType } from '../model/bigs-model.js';
import { type AnyBiGSModel, createModel, headFromArchitecture } from '../model/head-models.js';
import { parseSafetensors } from '../safetensors/safetensors.js';
import { parseFlaxMsgpack } from './flax-msgpack.js';
import { type HostTensor, type LoadReport, loadStateDict } from './load-state.js';
import type { NameFormat } from './name-map.js';

export const CONFIG_NAME = 'config.json';
export const SAFETENSORS_NAME = 'model.safetensors';
export const FLAX_NAME = 'flax_model.msgpack';
export const PYTORCH_BIN_NAME = 'pytorch_model.bin';

/** Options of {@link fromPretrained} and {@link fromPretrainedFiles}. */
export interface FromPretrainedOptions {
  /** Head to build; default: from `architectures` in config.json, else `base`. */
  head?: HeadType;
  /**
   * Config overrides applied after reading config.json (camelCase), e.g. `{ kernelLength: 'input' }` to run
   * Flax weights on inputs shorter than P, `{ blockGelu: 'tanh' }`, `{ numLabels: 2 }` (with ignoreMismatchedSizes).
   */
  overrides?: Partial<BiGSConfig>;
  /**
   * Re-initialise task-head parameters (`classifier`, `qa_outputs`) whose checkpoint shape differs (a classifier
   * with another label count). A mis-shaped backbone, pooler or MLM-head tensor is an error either way.
   */
  ignoreMismatchedSizes?: boolean;
  /** Seed of the fresh init of parameters absent from the checkpoint. */
  seed?: number;
  /** Receives load notes (default `console.warn`). */
  logger?: (message: string) => void;
}

/** A loaded model and what the load did. */
export interface LoadedModel {
  model: AnyBiGSModel;
  report: LoadReport;
  /** The weight file read (a path, or `<source>/<name>` for files in memory). */
  weightsPath: string;
}

/** One file's content: bytes, or text (JSON, vocab). */
export type FileContent = Uint8Array | ArrayBuffer | string;

/**
 * A checkpoint's files by name (`config.json`, `model.safetensors` or `flax_model.msgpack`, and the tokenizer's
 * `tokenizer.json` / `vocab.txt`), e.g. `fetch`ed in a browser.
 */
export type CheckpointFiles = Readonly<Record<string, FileContent>>;

/** The bytes of a file content. */
export function fileBytes(content: FileContent): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** The text of a file content (strict UTF-8: invalid bytes are an Error naming the file). */
export function fileText(content: FileContent, where: string): string {
  if (typeof content === 'string') return content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(fileBytes(content));
  } catch {
    throw new Error(`${where}: not valid UTF-8 text`);
  }
}

/** `JSON.parse` with an Error naming the file. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** Parse a weights file's bytes of the given format (validated in full, nothing assigned). */
export function parseWeights(bytes: Uint8Array, format: NameFormat, where: string): Map<string, HostTensor> {
  return format === 'torch' ? parseSafetensors(bytes, where).tensors : parseFlaxMsgpack(bytes, where);
}

/** What {@link modelFromCheckpoint} builds a model from: the parsed config.json and weights. */
export interface CheckpointParts {
  json: unknown;
  configPath: string;
  tensors: Map<string, HostTensor>;
  /** Where the weights came from (for messages and `weightsPath`). */
  path: string;
  format: NameFormat;
  semantics: Semantics;
}

/**
 * The model of a parsed checkpoint: config (with `overrides`), the head (`options.head`, else config
 * `architectures`, else `base`), the weights loaded and checked. On error nothing leaks (the model is disposed).
 */
export function modelFromCheckpoint(
  parts: CheckpointParts,
  options: FromPretrainedOptions = {},
): LoadedModel {
  let config = configFromJSON(parts.json, { defaultSemantics: parts.semantics, source: parts.configPath });
  if (options.overrides) {
    const merged = { ...config, ...options.overrides };
    if (options.overrides.numLabels !== undefined && options.overrides.id2label === undefined) {
      merged.id2label = Object.fromEntries(
        Array.from({ length: merged.numLabels }, (_, i) => [String(i), `LABEL_${i}`]),
      );
      merged.label2id = Object.fromEntries(Object.entries(merged.id2label).map(([i, l]) => [l, Number(i)]));
    }
    config = createConfig(merged);
  }
  const head =
    options.head ??
    (config.architectures?.map(headFromArchitecture).find((h) => h !== null) as HeadType | undefined) ??
    'base';
  const model = createModel(config, head, { seed: options.seed ?? 0 });
  try {
    const report = loadStateDict(model, parts.tensors, {
      format: parts.format,
      source: parts.path,
      ignoreMismatchedSizes: options.ignoreMismatchedSizes ?? false,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return { model, report, weightsPath: parts.path };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Options of {@link fromPretrainedFiles}. */
export interface FromPretrainedFilesOptions extends FromPretrainedOptions {
  /** Where the files came from (a URL or a name), for messages; default `<files>`. */
  source?: string;
}

/**
 * Load a model from its checkpoint files in memory — the same as {@link fromPretrained} on a directory holding
 * them: `config.json` plus `model.safetensors` (PyTorch-port names; F32/F16/BF16) or `flax_model.msgpack`.
 * Runs in browsers (no file system).
 *
 * @example
 * const get = async (n: string) => (await fetch(`/demo/fill-mask/${n}`)).arrayBuffer();
 * const files = { 'config.json': await get('config.json'), 'model.safetensors': await get('model.safetensors') };
 * const { model } = fromPretrainedFiles(files, { head: 'masked-lm', source: '/demo/fill-mask' });
 */
export function fromPretrainedFiles(
  files: CheckpointFiles,
  options: FromPretrainedFilesOptions = {},
): LoadedModel {
  const source = options.source ?? '<files>';
  const at = (name: string) => `${source}/${name}`;
  const config = files[CONFIG_NAME];
  if (config === undefined) {
    throw new Error(
      `${source}: no ${CONFIG_NAME} among the files (${Object.keys(files).join(', ') || 'none'})`,
    );
  }
  const name =
    files[SAFETENSORS_NAME] !== undefined
      ? SAFETENSORS_NAME
      : files[FLAX_NAME] !== undefined
        ? FLAX_NAME
        : null;
  if (name === null) {
    throw new Error(
      `${source}: no weights among the files (expected ${SAFETENSORS_NAME} or ${FLAX_NAME}; got ${Object.keys(files).join(', ')})`,
    );
  }
  const format: NameFormat = name === SAFETENSORS_NAME ? 'torch' : 'flax';
  const json = parseJsonText(fileText(config, at(CONFIG_NAME)), at(CONFIG_NAME));
  const tensors = parseWeights(fileBytes(files[name]!), format, at(name));
  const semantics: Semantics = format === 'torch' ? 'pytorch' : 'flax';
  return modelFromCheckpoint(
    { json, configPath: at(CONFIG_NAME), tensors, path: at(name), format, semantics },
    options,
  );
}
