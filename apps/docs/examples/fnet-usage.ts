/**
 * Adding a routing layer: use the FNet example of @bigs/gated-blocks (packages/gated-blocks/examples/fnet-routing.ts,
 * shown in full in guide/routing-layers.md) inside both block architectures and inside a whole model.
 * Type-checked and run by test/examples.test.ts.
 */
// #region usage
import { ForwardContext } from '@bigs/gated-blocks';
import { BiGSModel, createConfig, TINY } from '@bigs/models';
import * as tf from '@tensorflow/tfjs';
import { buildFNetBlocks, registerFNet } from '../../../packages/gated-blocks/examples/fnet-routing.js';

export function fnetUsage() {
  const { gated, stack } = buildFNetBlocks(8, 16); // registers 'fnet', then builds GATED and STACK blocks
  registerFNet(); // idempotent
  // A whole model whose blocks use the new routing: only the config's `routing` changes.
  const model = new BiGSModel(createConfig({ ...TINY, routing: 'fnet' }));
  const result = tf.tidy(() => {
    const h = tf.randomNormal([2, 6, 8], 0, 1, 'float32', 3) as tf.Tensor3D; // [B, L, H]
    const mask = tf.ones([2, 6]) as tf.Tensor2D; // [B, L]
    const ids = tf.zeros([2, 6], 'int32'); // [B, L]
    return {
      gatedShape: gated.forward(h, mask, ForwardContext.eval()).shape, // [2, 6, 8]
      stackShape: stack.forward(h, mask, ForwardContext.eval()).shape, // [2, 6, 8]
      modelShape: model.forward({ inputIds: ids }).lastHiddenState.shape, // [2, 6, 8]
    };
  });
  gated.dispose();
  stack.dispose();
  model.dispose();
  return result;
}
// #endregion usage
