/**
 * Getting started: pick a backend once, build a tiny BiGS masked-LM, run it.
 * Included in guide/getting-started.md; type-checked and run by test/examples.test.ts.
 */
// #region usage
import { BiGSForMaskedLM, createConfig, TINY } from '@bigs/models';
import { type BackendRequest, initEngine } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';

export async function gettingStarted(backend: BackendRequest = 'auto') {
  // Once per process, before any tensor: 'auto' = tfjs-node-gpu, tfjs-node, wasm (threads), wasm, cpu.
  const engine = await initEngine({ backend, quiet: true });
  console.log(`running on ${engine.variant} (${engine.package} ${engine.version})`);

  // TINY: H = 8, I = 16, 2 layers, vocabulary 50, N = 4 SSM modes, P = 16.
  const model = new BiGSForMaskedLM(createConfig({ ...TINY }), { seed: 0 });
  const inputIds = tf.tensor2d([[1, 5, 7, 9, 2, 0, 0, 0]], [1, 8], 'int32'); // [B = 1, L = 8]
  const labels = tf.tensor2d([[-100, 5, -100, -100, -100, -100, -100, -100]], [1, 8], 'int32'); // [1, 8]
  const out = model.forward({ inputIds, labels });
  const result = {
    variant: engine.variant,
    logitsShape: out.logits.shape, // [1, 8, 50]
    loss: out.loss!.dataSync()[0]!, // mean cross-entropy over the labelled position
    parameters: model.numParameters(),
  };
  tf.dispose([inputIds, labels, out.logits, out.loss, out.lastHiddenState]);
  model.dispose();
  return result;
}
// #endregion usage
