/**
 * A third-party routing layer, used exactly as a user would: only `@bigs/gated-blocks` (the package's public
 * entry point, resolved by name) and tfjs. The layer itself is `examples/fnet-routing.ts`.
 */
import {
  createBlock,
  createRoutingLayer,
  ForwardContext,
  listRoutingLayers,
  routingLayerInfo,
} from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFNetBlocks, FNetRouting, registerFNet } from '../examples/fnet-routing.js';
import { f64, relErr, uniform, useBackend } from './helpers/f64.js';

const B = 2;
const L = 5;
const H = 8;
const I = 16;

/** Re of the 2-D DFT (sequence × hidden) by direct float64 summation. */
function fnetF(x: Float64Array): Float64Array {
  const y = new Float64Array(B * L * H);
  for (let b = 0; b < B; b++)
    for (let l = 0; l < L; l++)
      for (let h = 0; h < H; h++) {
        let s = 0;
        for (let l2 = 0; l2 < L; l2++)
          for (let h2 = 0; h2 < H; h2++)
            s += x[(b * L + l2) * H + h2]! * Math.cos(2 * Math.PI * ((l * l2) / L + (h * h2) / H));
        y[(b * L + l) * H + h] = s;
      }
  return y;
}

describe('third-party FNet routing layer via the public API', () => {
  afterAll(() => tf.disposeVariables());

  it('registers by name and computes Re(FFT_seq(FFT_hidden(x)))', async () => {
    await useBackend('cpu');
    registerFNet();
    registerFNet(); // idempotent
    expect(listRoutingLayers()).toContain('fnet');
    expect(routingLayerInfo('fnet').usesMask).toBe(false);
    const r = createRoutingLayer('fnet', { hiddenSize: H });
    expect(r).toBeInstanceOf(FNetRouting);
    expect(r.namedParameters()).toEqual([]);
    const xv = uniform(B * L * H, 1);
    const x = tf.tensor3d(Float32Array.from(xv), [B, L, H]);
    expect(relErr(f64(r.forward(x, null, ForwardContext.eval())), fnetF(xv))).toBeLessThan(1e-5);
    x.dispose();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`GATED/fnet and STACK/fnet train a few Adam steps on ${backend} without leaks`, async () => {
      await useBackend(backend);
      const { gated, stack } = buildFNetBlocks(H, I);
      const x = tf.tensor3d(Float32Array.from(uniform(B * L * H, 2)), [B, L, H]);
      const target = tf.tensor3d(Float32Array.from(uniform(B * L * H, 3)), [B, L, H]);
      for (const blk of [gated, stack]) {
        const loss = () =>
          tf.tidy(
            () =>
              tf.mean(tf.square(tf.sub(blk.forward(x, null, ForwardContext.train(1)), target))) as tf.Scalar,
          );
        const opt = tf.train.adam(0.02);
        const losses: number[] = [];
        let tensorsAfterFirst = 0;
        for (let s = 0; s < 6; s++) {
          const l = opt.minimize(loss, true, blk.variables()) as tf.Scalar;
          losses.push(l.dataSync()[0]!);
          l.dispose();
          if (s === 1) tensorsAfterFirst = tf.memory().numTensors;
        }
        expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
        expect(losses[5]!).toBeLessThan(losses[0]!);
        opt.dispose();
        blk.dispose();
      }
      tf.dispose([x, target]);
    });
  }

  it('works through createBlock by name, like bissm and attention', async () => {
    await useBackend('cpu');
    registerFNet();
    const blk = createBlock({ architecture: 'gated', routing: 'fnet', hiddenSize: H, intermediateSize: I });
    expect(blk.routing.info.name).toBe('fnet');
    expect(blk.namedParameters().some(([n]) => n.startsWith('routing.'))).toBe(false);
    const y = blk.forward(tf.ones([1, L, H]) as tf.Tensor3D, null, ForwardContext.eval());
    expect(y.shape).toEqual([1, L, H]);
    blk.dispose();
  });
});
