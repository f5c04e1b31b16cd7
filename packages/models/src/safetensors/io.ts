import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@bigs/common';
import {
  parseSafetensors,
  type SafetensorsContent,
  serializeSafetensors,
  type TensorToWrite,
} from './safetensors.js';

/**
 * File I/O of safetensors (Node only): read a file, write one atomically. The format itself (parse, serialize) is
 * in safetensors.ts, which runs in browsers too.
 */

/**
 * Read and validate a `.safetensors` file (F32 / F16 / BF16 / F64 / integer dtypes → float32).
 * Throws an Error naming the file (and tensor) when the file is truncated or corrupt.
 *
 * @example
 * const { tensors, metadata } = await readSafetensors('run/model.safetensors');
 */
export async function readSafetensors(path: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`safetensors file '${path}': cannot read (${(e as Error).message})`);
  }
  return parseSafetensors(bytes, path);
}

/** The project's one atomic writer (temp file + fsync + rename), re-exported for `@bigs/models` users. */
export { writeFileAtomic };

/**
 * Write float32 tensors to a `.safetensors` file atomically (temp file + rename).
 *
 * @example
 * await writeSafetensors('run/optimizer.safetensors', { 'm.w': { shape: [4], data: new Float32Array(4) } },
 *   { step: '10' });
 */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}
