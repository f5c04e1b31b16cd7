import { join } from 'node:path';
import type { Module } from '@bigs/gated-blocks';
import type { HostTensor } from '@bigs/models';
import { readSafetensors, writeSafetensors } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';

/** File name used by the default model saver (when no `saveModel` callback is given). */
export const DEFAULT_MODEL_FILE = 'model.safetensors';

/**
 * Write every parameter of `model` to `<dir>/model.safetensors` under its dotted name (float32).
 *
 * @example
 * await saveModuleWeights(model, 'runs/a/checkpoint-100'); // model.safetensors
 */
export async function saveModuleWeights(model: Module, dir: string): Promise<void> {
  const tensors: Record<string, HostTensor> = {};
  for (const [name, p] of model.namedParameters()) {
    const data = Float32Array.from((await p.variable.data()) as Float32Array);
    tensors[name] = { shape: [...p.variable.shape], data };
  }
  await writeSafetensors(join(dir, DEFAULT_MODEL_FILE), tensors, { format: 'bigs-module' });
}

/**
 * Assign `<dir>/model.safetensors` into `model`'s parameters. Every parameter must be present with its shape;
 * extra tensors are an error.
 */
export async function loadModuleWeights(model: Module, dir: string): Promise<void> {
  const path = join(dir, DEFAULT_MODEL_FILE);
  const { tensors } = await readSafetensors(path);
  const params = model.namedParameters();
  const names = new Set(params.map(([n]) => n));
  const extra = [...tensors.keys()].filter((n) => !names.has(n));
  if (extra.length > 0)
    throw new Error(`loadModuleWeights: ${path} has unknown tensors: ${extra.slice(0, 5).join(', ')}`);
  for (const [name, p] of params) {
    const t = tensors.get(name);
    if (!t) throw new Error(`loadModuleWeights: ${path} lacks parameter '${name}'`);
    if (!tf.util.arraysEqual(t.shape, p.variable.shape)) {
      throw new Error(
        `loadModuleWeights: '${name}' in ${path} has shape [${t.shape}], expected [${p.variable.shape}]`,
      );
    }
    tf.tidy(() => p.variable.assign(tf.tensor(t.data, t.shape, 'float32')));
  }
}
