import { loadAddon } from '@bigs/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomValues, relMaxErr } from '../conv/test-utils.js';
import { dense, matMulTakesTransposeFlags } from './dense.js';

let previous = '';
beforeAll(() => {
  previous = tf.getBackend();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

describe.skipIf(loadAddon() === null)(
  'dense on native: transpose flags instead of explicit transposes',
  () => {
    it('detects the capability on native only', async () => {
      await tf.setBackend('cpu');
      expect(matMulTakesTransposeFlags()).toBe(false);
      await tf.setBackend('native');
      expect(matMulTakesTransposeFlags()).toBe(true);
    });

    it('gradient equals cpu and runs no Transpose kernel', async () => {
      const [N, I, O] = [6, 10, 7];
      const xv = Float32Array.from(randomValues(2 * N * I, 1));
      const wv = Float32Array.from(randomValues(I * O, 2));
      const bv = Float32Array.from(randomValues(O, 3));
      const f = () => {
        const x = tf.tensor3d(xv, [2, N, I]);
        const w = tf.tensor2d(wv, [I, O]);
        const b = tf.tensor1d(bv);
        return [
          ...tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.square(dense(a, c, d))))([
            x,
            w,
            b,
          ]),
          ...tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(dense(a, c))))([x, w]),
        ];
      };
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        return tf.tidy(f).map((t) => t.dataSync().slice());
      };
      const want = await run('cpu');
      const got = await run('native');
      for (let i = 0; i < want.length; i++) expect(relMaxErr(got[i]!, want[i]!)).toBeLessThan(1e-5);
      const prof = await tf.profile(() => tf.tidy(f));
      expect(prof.kernelNames).not.toContain('Transpose');
      expect(prof.kernelNames).toContain('BatchMatMul');
    });
  },
);
