import { Module, type ParamMeta } from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';

/** Flax `lecun_normal`: truncated normal (±2σ) with std √(1/fanIn) / 0.8796 so that the kept values have std √(1/fanIn). */
export function lecunNormal(shape: [number, number], seed: number): tf.Tensor2D {
  const fanIn = shape[0];
  const std = Math.sqrt(1 / fanIn) / 0.8796256610342398;
  return tf.truncatedNormal(shape, 0, std, 'float32', seed >>> 0); // [in, out]
}

/**
 * An embedding table `weight` [num, dim] ~ normal(0, std) (Flax: no zeroed pad row), weight-decayed like the official
 * code. `forward(ids [B, L]) → [B, L, dim]` via `tf.gather` (its gradient is an UnsortedSegmentSum, which
 * `@bigs/ssm-kernels` registers on wasm).
 *
 * @example
 * new Embedding({ num: 50, dim: 8, std: 0.02 }).forward(tf.zeros([2, 5], 'int32')); // [2, 5, 8]
 */
export class Embedding extends Module {
  readonly num: number;
  readonly dim: number;
  readonly weight: tf.Variable;

  constructor(options: { num: number; dim: number; std: number; seed?: number; meta?: ParamMeta }) {
    super();
    this.num = options.num;
    this.dim = options.dim;
    const init = tf.randomNormal(
      [options.num, options.dim],
      0,
      options.std,
      'float32',
      (options.seed ?? 0) >>> 0,
    );
    this.weight = this.addParam('weight', init, options.meta ?? { weightDecay: true, group: 'embeddings' }); // [num, dim]
  }

  /** @param ids `[...]` int32 → `[..., dim]`. */
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32')); // [..., dim]
  }
}

/** A list of child modules named `0`, `1`, … (torch `nn.ModuleList`). */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[] = [];

  constructor(items: M[]) {
    super();
    items.forEach((m, i) => {
      this.items.push(this.addChild(String(i), m));
    });
  }
}

/** A module holding one named child, for torch-style nesting (e.g. `pooler.dense`). */
export class Container extends Module {
  add<M extends Module>(name: string, m: M): M {
    return this.addChild(name, m);
  }
  param(name: string, init: tf.Tensor, meta: ParamMeta): tf.Variable {
    return this.addParam(name, init, meta);
  }
}
