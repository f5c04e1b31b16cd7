import { type BiGSConfig, BiGSForMaskedLM, createConfig } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';

const POS = 'bigs.embeddings.position_embeddings.weight';

/**
 * Rows of a longer position table made by tiling the learned `[P, H]` rows (Longformer's recipe: row i of the
 * new table is row `i mod P` of the old one), so every new position starts from a trained embedding and the
 * first P positions are unchanged.
 *
 * @example
 * tilePositionRows(old, 128, 64, 512); // Float32Array [512 · 64]
 */
export function tilePositionRows(
  old: Float32Array,
  oldP: number,
  hidden: number,
  newP: number,
): Float32Array {
  if (old.length !== oldP * hidden) {
    throw new Error(`tilePositionRows: table has ${old.length} values, expected ${oldP} × ${hidden}`);
  }
  const out = new Float32Array(newP * hidden); // [newP, H]
  for (let i = 0; i < newP; i++)
    out.set(old.subarray((i % oldP) * hidden, ((i % oldP) + 1) * hidden), i * hidden);
  return out;
}

/**
 * A copy of `src` with `maxPositionEmbeddings = newP`: every parameter copied, the position embeddings tiled
 * ({@link tilePositionRows}). The SSM kernels need nothing: their length follows the input (the kernel is
 * generated from the continuous-time parameters at any L), so the config gets `kernelLength: 'input'`.
 * `src` is left as it was (the caller disposes it).
 *
 * @example
 * const long = extendPositions(short, 512); // long.config.maxPositionEmbeddings === 512
 */
export function extendPositions(src: BiGSForMaskedLM, newP: number, seed = 0): BiGSForMaskedLM {
  const oldP = src.config.maxPositionEmbeddings;
  if (!(Number.isInteger(newP) && newP >= oldP)) {
    throw new Error(`extendPositions: new length must be an integer >= ${oldP}, got ${newP}`);
  }
  const config: BiGSConfig = createConfig({
    ...src.config,
    maxPositionEmbeddings: newP,
    kernelLength: 'input',
  });
  const dst = new BiGSForMaskedLM(config, { seed });
  const from = src.parameterMap();
  for (const [name, p] of dst.parameterMap()) {
    const s = from.get(name);
    if (!s) {
      dst.dispose();
      throw new Error(`extendPositions: source model has no parameter '${name}'`);
    }
    if (name === POS) {
      const h = config.hiddenSize;
      const rows = tilePositionRows(s.variable.dataSync() as Float32Array, oldP, h, newP);
      tf.tidy(() => p.variable.assign(tf.tensor2d(rows, [newP, h]))); // [newP, H]
    } else {
      p.variable.assign(s.variable);
    }
  }
  return dst;
}
