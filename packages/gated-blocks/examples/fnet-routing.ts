/**
 * Example: a third-party routing layer written only against the public API of `@bigs/gated-blocks`.
 *
 * FNet-style Fourier token mixing (Lee-Thorp et al. 2021): out = Re(FFT_seq(FFT_hidden(x))), computed as real DFT
 * matmuls with cos/sin matrices, so it is differentiable on every tfjs backend (no tf.spectral, no complex
 * tensors, only plain 2-D matmuls). It has no parameters and ignores the padding mask.
 *
 *   Re(Y) = C_L · X · C_H − S_L · X · S_H,   C_n[j, k] = cos(2πjk/n), S_n[j, k] = sin(2πjk/n)   (both symmetric)
 *
 * Used by `test/fnet-routing.test.ts` and shown in the README's "Adding a routing layer" guide.
 */
import {
  createBlock,
  type ForwardContext,
  listRoutingLayers,
  RoutingLayer,
  type RoutingLayerInfo,
  type RoutingLayerOptions,
  registerRoutingLayer,
} from '@bigs/gated-blocks';
import * as tf from '@tensorflow/tfjs';

/** cos and sin DFT matrices [n, n] (host arrays, cached per n). */
const dftCache = new Map<number, { cos: Float32Array; sin: Float32Array }>();
function dftMatrices(n: number): { cos: Float32Array; sin: Float32Array } {
  let m = dftCache.get(n);
  if (m === undefined) {
    const cos = new Float32Array(n * n); // [n, n]
    const sin = new Float32Array(n * n); // [n, n]
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const angle = (2 * Math.PI * ((j * k) % n)) / n; // reduce jk mod n for accuracy
        cos[j * n + k] = Math.cos(angle);
        sin[j * n + k] = Math.sin(angle);
      }
    m = { cos, sin };
    dftCache.set(n, m);
  }
  return m;
}

/** FNet Fourier mixing as a routing layer: [B, L, H] → [B, L, H]. */
export class FNetRouting extends RoutingLayer {
  readonly info: RoutingLayerInfo = {
    name: 'fnet',
    usesMask: false,
    description: 'FNet: Re(FFT_seq(FFT_hidden(x)))',
  };
  readonly hiddenSize: number;

  constructor(options: RoutingLayerOptions) {
    super();
    if (!Number.isInteger(options.hiddenSize) || options.hiddenSize < 1) {
      throw new Error(`fnet: hiddenSize must be an integer >= 1, got ${String(options.hiddenSize)}`);
    }
    this.hiddenSize = options.hiddenSize;
  }

  forward(x: tf.Tensor3D, _mask: tf.Tensor2D | null, _ctx: ForwardContext): tf.Tensor3D {
    const [b, l, h] = x.shape;
    if (h !== this.hiddenSize)
      throw new Error(`fnet: x must be [B, L, ${this.hiddenSize}], got [${x.shape}]`);
    return tf.tidy(() => {
      const dh = dftMatrices(h);
      const dl = dftMatrices(l);
      const cH = tf.tensor2d(dh.cos, [h, h]); // [H, H]
      const sH = tf.tensor2d(dh.sin, [h, h]); // [H, H]
      const cL = tf.tensor2d(dl.cos, [l, l]); // [L, L]
      const sL = tf.tensor2d(dl.sin, [l, l]); // [L, L]
      const x2 = tf.reshape(x, [b * l, h]) as tf.Tensor2D; // [B·L, H]
      // DFT over the hidden axis (real and imaginary parts, up to sign): X·C_H and X·S_H
      const xc = tf.matMul(x2, cH) as tf.Tensor2D; // [B·L, H]
      const xs = tf.matMul(x2, sH) as tf.Tensor2D; // [B·L, H]
      // DFT over the sequence axis: move L last, one 2-D matmul each
      const alongL = (t: tf.Tensor2D, m: tf.Tensor2D) =>
        tf.matMul(
          tf.reshape(tf.transpose(tf.reshape(t, [b, l, h]), [0, 2, 1]), [b * h, l]) as tf.Tensor2D,
          m,
        ); // [B·H, L]
      const re = tf.sub(alongL(xc, cL), alongL(xs, sL)); // [B·H, L]
      return tf.transpose(tf.reshape(re, [b, h, l]), [0, 2, 1]) as tf.Tensor3D; // [B, L, H]
    });
  }
}

/** Register `fnet` once (idempotent), so blocks and model configs can say `routing: 'fnet'`. */
export function registerFNet(): void {
  if (!listRoutingLayers().includes('fnet')) {
    registerRoutingLayer('fnet', (options) => new FNetRouting(options), {
      usesMask: false,
      description: 'FNet Fourier mixing',
    });
  }
}

/** Usage: an FNet routing inside both block architectures. */
export function buildFNetBlocks(hiddenSize: number, intermediateSize: number) {
  registerFNet();
  const gated = createBlock({ architecture: 'gated', routing: 'fnet', hiddenSize, intermediateSize });
  const stack = createBlock({ architecture: 'stack', routing: 'fnet', hiddenSize, intermediateSize });
  return { gated, stack }; // both map [B, L, hiddenSize] → [B, L, hiddenSize]
}
