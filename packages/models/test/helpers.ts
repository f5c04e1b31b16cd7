import { createRng } from '@bigs/common';
import { initEngine, nativeEngineUnavailable } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import type { BiGSPreTrainedModel } from '../src/model/bigs-model.js';

export async function useBackend(backend: 'cpu' | 'wasm' | 'native'): Promise<void> {
  await initEngine({ backend, threads: 1, quiet: true });
  if (tf.getBackend() !== backend) throw new Error(`useBackend: wanted ${backend}, got ${tf.getBackend()}`);
}

/**
 * The fast engines a parity test runs against cpu: wasm, and native where its addon built (CI sets
 * BIGS_REQUIRE_NATIVE=1 so a broken build fails instead of skipping).
 */
export async function fastBackends(): Promise<Array<'wasm' | 'native'>> {
  const reason = await nativeEngineUnavailable();
  if (reason !== null && process.env.BIGS_REQUIRE_NATIVE === '1')
    throw new Error(`native engine required: ${reason}`);
  return reason === null ? ['wasm', 'native'] : ['wasm'];
}

/** Deterministic uniform(lo, hi) values (the project's RNG, `createRng`). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + rng.uniform() * (hi - lo);
  return out;
}

/** Give every non-SSM parameter O(1) random values so that head and block outputs are not dominated by init. */
export function randomize(model: BiGSPreTrainedModel, seed = 1): void {
  let s = seed;
  tf.tidy(() => {
    for (const [name, p] of model.namedParameters()) {
      if (/\.(A_re|A_im|C|log_step)$/.test(name)) continue;
      const v = uniform(p.variable.size, s++, -0.5, 0.5);
      if (/(LayerNorm|_norm)\.weight$/.test(name) || name.endsWith('.D'))
        for (let i = 0; i < v.length; i++) v[i]! += 1;
      p.variable.assign(tf.tensor(v, p.variable.shape));
    }
  });
}

/** Int32 ids [B, L] from rows. */
export const ids2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

/** Snapshot of every parameter's values. */
export function snapshot(model: BiGSPreTrainedModel): Map<string, Float32Array> {
  return new Map(
    model.namedParameters().map(([n, p]) => [n, Float32Array.from(p.variable.dataSync() as Float32Array)]),
  );
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}
